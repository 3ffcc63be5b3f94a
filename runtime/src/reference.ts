// CPU reference attention in float64 (small problems only), applying mods in FlexAttention's
// order. From PyTorch's math reference, `math_attention` in torch/_higher_order_ops/flex_attention.py:
//   scores = (q @ k^T) * scale
//   post = where(mask_mod(b, h, q, kv), score_mod(scores, b, h, q, kv), -inf)
//   lse = logsumexp(post); rows where every post score is -inf get lse = -inf
//   out = _safe_softmax(post) @ v          (_safe_softmax gives 0 for an all -inf row)
// so score_mod runs on every score (masked or not), masking comes after it, and a fully masked
// row outputs zeros. The HOP returns lse / ln 2 and flex_attention multiplies it back, so the
// user-visible lse is in natural log, as here. GQA: query head h reads kv head floor(h / (H / Hkv)).
import type { MaskFn, MaskMod, ScoreFn, ScoreMod } from "../index";
import { DslError, withBindings, type Bindings } from "./dsl";
import { checkAttentionShape, type AttentionShape } from "./sample";

export interface AttentionInputs extends AttentionShape {
  /** [B, H, Q, D] row-major. */
  readonly q: ArrayLike<number>;
  /** [B, Hkv, KV, D] row-major. */
  readonly k: ArrayLike<number>;
  /** [B, Hkv, KV, Dv] row-major. */
  readonly v: ArrayLike<number>;
  /** softmax_scale; default 1 / sqrt(D), as FlexAttention. */
  readonly scale?: number;
  readonly scoreMod?: ScoreMod | ScoreFn;
  readonly maskMod?: MaskMod | MaskFn;
  /** Aux tensors, scalars and extra dims for the mods; B, H, Q, KV are bound from the problem. */
  readonly bindings?: Bindings;
}

export interface AttentionResult {
  /** [B, H, Q, Dv]; zero rows where every score is masked. */
  readonly out: Float64Array;
  /** [B, H, Q] natural-log logsumexp of the post-mod scores; -Infinity for fully masked rows. */
  readonly lse: Float64Array;
}

// A mod is callable itself; its `fn` is the user's function (one call fewer per score).
function scoreFnOf(m: ScoreMod | ScoreFn | undefined): ScoreFn | undefined {
  return m && "fn" in m ? m.fn : m;
}
function maskFnOf(m: MaskMod | MaskFn | undefined): MaskFn | undefined {
  return m && "fn" in m ? m.fn : m;
}

/** The bindings mods see: the caller's, with the problem's B, H, Q, KV (which must agree). */
export function problemBindings(shape: AttentionShape, bindings: Bindings = {}): Bindings {
  const dims: Record<string, number> = { ...bindings.dims };
  for (const [k, v] of Object.entries({ B: shape.B, H: shape.H, Q: shape.Q, KV: shape.KV })) {
    if (dims[k] !== undefined && dims[k] !== v) throw new DslError(`bindings give ${k} = ${dims[k]} but the problem has ${k} = ${v}`);
    dims[k] = v;
  }
  return { ...bindings, dims };
}

function checkLength(name: string, a: ArrayLike<number>, n: number): void {
  if (a.length !== n) throw new DslError(`attention ${name}: ${a.length} values, expected ${n}`);
}

/** Evaluate one score through the mods: the post-mod score, -Infinity when masked. */
function postScore(score: number, b: number, h: number, q: number, kv: number, sm?: ScoreFn, mm?: MaskFn): number {
  const s = sm ? sm(score, b, h, q, kv) : score;
  if (sm && typeof s !== "number") throw new DslError(`score_mod returned ${typeof s} at (b=${b}, h=${h}, q=${q}, kv=${kv}); it must return a number`);
  if (!mm) return s;
  const keep = mm(b, h, q, kv);
  if (typeof keep !== "boolean") throw new DslError(`mask_mod returned ${typeof keep} at (b=${b}, h=${h}, q=${q}, kv=${kv}); it must return a boolean`);
  return keep ? s : -Infinity;
}

/** Attention with mods in float64. Meant for small problems (it is O(B*H*Q*KV*D)). */
export function referenceAttention(inp: AttentionInputs): AttentionResult {
  const { Hkv, Dv } = checkAttentionShape(inp);
  const { B, H, Q, KV, D } = inp;
  checkLength("q", inp.q, B * H * Q * D);
  checkLength("k", inp.k, B * Hkv * KV * D);
  checkLength("v", inp.v, B * Hkv * KV * Dv);
  const scale = inp.scale ?? 1 / Math.sqrt(D);
  const sm = scoreFnOf(inp.scoreMod);
  const mm = maskFnOf(inp.maskMod);
  const group = H / Hkv;
  const out = new Float64Array(B * H * Q * Dv);
  const lse = new Float64Array(B * H * Q);
  const row = new Float64Array(KV);
  withBindings(problemBindings(inp, inp.bindings), () => {
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) {
        const hk = Math.floor(h / group);
        const kBase = (b * Hkv + hk) * KV;
        for (let qi = 0; qi < Q; qi++) {
          const qOff = ((b * H + h) * Q + qi) * D;
          let m = -Infinity;
          for (let j = 0; j < KV; j++) {
            const kOff = (kBase + j) * D;
            let dot = 0;
            for (let d = 0; d < D; d++) dot += inp.q[qOff + d]! * inp.k[kOff + d]!;
            const s = postScore(dot * scale, b, h, qi, j, sm, mm);
            row[j] = s;
            if (s > m || Number.isNaN(s)) m = s;
          }
          const r = (b * H + h) * Q + qi;
          if (m === -Infinity) {
            lse[r] = -Infinity; // out stays 0
            continue;
          }
          let sum = 0;
          const o = r * Dv;
          for (let j = 0; j < KV; j++) {
            const p = Math.exp(row[j]! - m);
            if (p === 0) continue;
            sum += p;
            const vOff = (kBase + j) * Dv;
            for (let d = 0; d < Dv; d++) out[o + d] += p * inp.v[vOff + d]!;
          }
          for (let d = 0; d < Dv; d++) out[o + d] /= sum;
          lse[r] = m + Math.log(sum);
        }
      }
    }
  });
  return { out, lse };
}

export interface ModGridInputs {
  readonly b: number;
  readonly h: number;
  readonly Q: number;
  readonly KV: number;
  /** The pre-mod score fed to score_mod at every position (default 0), or one per (q, kv). */
  readonly score?: number | ((q: number, kv: number) => number);
  readonly scoreMod?: ScoreMod | ScoreFn;
  readonly maskMod?: MaskMod | MaskFn;
  /** Must bind B and H (and any aux data); Q and KV are bound from the grid. */
  readonly bindings: Bindings;
}

/** Post-mod scores of one (b, h) slice, [Q, KV] row-major, -Infinity where masked (heat maps). */
export function modGrid(inp: ModGridInputs): Float64Array {
  const sm = scoreFnOf(inp.scoreMod);
  const mm = maskFnOf(inp.maskMod);
  const dims = { ...inp.bindings.dims, Q: inp.Q, KV: inp.KV };
  const grid = new Float64Array(inp.Q * inp.KV);
  const raw = inp.score;
  const scoreAt = typeof raw === "function" ? raw : () => raw ?? 0;
  withBindings({ ...inp.bindings, dims }, () => {
    for (let q = 0; q < inp.Q; q++) {
      for (let kv = 0; kv < inp.KV; kv++) grid[q * inp.KV + kv] = postScore(scoreAt(q, kv), inp.b, inp.h, q, kv, sm, mm);
    }
  });
  return grid;
}
