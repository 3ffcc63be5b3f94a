// CPU reference attention in float64 (small problems only), applying mods in FlexAttention's
// order. From PyTorch's math reference, `math_attention` in torch/_higher_order_ops/flex_attention.py:
//   scores = (q @ k^T) * scale
//   post = where(mask_mod(b, h, q, kv), score_mod(scores, b, h, q, kv), -inf)
//   lse = logsumexp(post); rows where every post score is -inf get lse = -inf
//   out = _safe_softmax(post) @ v          (_safe_softmax gives 0 for an all -inf row)
// so score_mod runs on every score (masked or not), masking comes after it, and a fully masked
// row outputs zeros. The HOP returns lse / ln 2 and flex_attention multiplies it back, so the
// user-visible lse is in natural log, as here. GQA: query head h reads kv head floor(h / (H / Hkv)).
//
// Varlen (varlen.ts): with `bindings.seqlens`, batch entry b is sequence b, padded to Q and KV:
// only its first lenQ rows and lenKv columns are attention (each row a softmax over its own
// sequence's keys, as FA4's varlen kernels compute); rows past lenQ are zero with lse -inf, and
// columns past lenKv take no part. Every mod call gets the sequence's SeqInfo.
import type { MaskFn, ScoreFn, SeqInfo } from "../index";
import { DslError, setAmbientSeq, withBindings, type Bindings } from "./dsl";
import { checkAttentionShape, type AttentionShape } from "./sample";
import { modSeqInfo, seqInfo, uniformSeqlens, varlenDims, type Seqlens } from "./varlen";

/**
 * A declared mod (ScoreMod, MaskMod) as the reference takes it: by its fn. (Not the mod types
 * themselves: they are callable with fewer parameters, and a union with the fn type would leave
 * an inline arrow function's parameters untyped.)
 */
type ModOf<F> = { readonly fn: F };

/** The mods and the softmax scale, as every reference entry point takes them. */
interface ModsInput {
  /** softmax_scale; default 1 / sqrt(D), as FlexAttention. */
  readonly scale?: number;
  readonly scoreMod?: ScoreFn | ModOf<ScoreFn>;
  readonly maskMod?: MaskFn | ModOf<MaskFn>;
}

export interface AttentionInputs extends AttentionShape, ModsInput {
  /** [B, H, Q, D] row-major. */
  readonly q: ArrayLike<number>;
  /** [B, Hkv, KV, D] row-major. */
  readonly k: ArrayLike<number>;
  /** [B, Hkv, KV, Dv] row-major. */
  readonly v: ArrayLike<number>;
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
function scoreFnOf(m: ScoreFn | ModOf<ScoreFn> | undefined): ScoreFn | undefined {
  return m && "fn" in m ? m.fn : m;
}
function maskFnOf(m: MaskFn | ModOf<MaskFn> | undefined): MaskFn | undefined {
  return m && "fn" in m ? m.fn : m;
}

/** The batch's sequences: the bound cu_seqlens, else B equal sequences of Q and KV tokens. */
export function problemSeqlens(shape: { B: number; Q: number; KV: number }, bindings: Bindings = {}): Seqlens {
  const s = bindings.seqlens;
  if (!s) return uniformSeqlens(shape.B, shape.Q, shape.KV);
  const d = varlenDims(s);
  for (const k of ["B", "Q", "KV"] as const) {
    if (d[k] !== shape[k]) throw new DslError(`varlen: the sequence lengths give ${k} = ${d[k]}${k === "B" ? " sequences" : " (the longest)"} but the problem has ${k} = ${shape[k]}`);
  }
  return s;
}

/**
 * The bindings mods see: the caller's, with the problem's B, H, Q, KV and the packed totals
 * TOTAL_Q, TOTAL_KV (which must agree), and its seqlens.
 */
export function problemBindings(shape: AttentionShape, bindings: Bindings = {}): Bindings {
  const dims: Record<string, number> = { ...bindings.dims };
  const seqlens = problemSeqlens(shape, bindings);
  const { TOTAL_Q, TOTAL_KV } = varlenDims(seqlens);
  for (const [k, v] of Object.entries({ B: shape.B, H: shape.H, Q: shape.Q, KV: shape.KV, TOTAL_Q, TOTAL_KV })) {
    if (dims[k] !== undefined && dims[k] !== v) throw new DslError(`bindings give ${k} = ${dims[k]} but the problem has ${k} = ${v}`);
    dims[k] = v;
  }
  return { ...bindings, dims, seqlens };
}

function checkLength(name: string, a: ArrayLike<number>, n: number): void {
  if (a.length !== n) throw new DslError(`attention ${name}: ${a.length} values, expected ${n}`);
}

/** Evaluate one score through the mods: the post-mod score, -Infinity when masked. */
function postScore(score: number, b: number, h: number, q: number, kv: number, seq: SeqInfo, sm?: ScoreFn, mm?: MaskFn): number {
  const s = sm ? sm(score, b, h, q, kv, seq) : score;
  if (sm && typeof s !== "number") throw new DslError(`score_mod returned ${typeof s} at (b=${b}, h=${h}, q=${q}, kv=${kv}); it must return a number`);
  if (!mm) return s;
  const keep = mm(b, h, q, kv, seq);
  if (typeof keep !== "boolean") throw new DslError(`mask_mod returned ${typeof keep} at (b=${b}, h=${h}, q=${q}, kv=${kv}); it must return a boolean`);
  return keep ? s : -Infinity;
}

/** What every query row of one reference call shares: the operands, the mods and the outputs. */
interface RowCtx {
  q: ArrayLike<number>; k: ArrayLike<number>; v: ArrayLike<number>;
  D: number; Dv: number; scale: number; sm?: ScoreFn; mm?: MaskFn;
  out: Float64Array; lse: Float64Array;
  /** Scratch: the row's post-mod scores. */
  row: Float64Array;
}

/**
 * Query row `r` (of q, out and lse) against its sequence's keys and values (seq.lenKv rows from
 * row `kv` of k and v): scores through the mods, softmax, the output row and its lse.
 * A fully masked row keeps out 0 and lse -inf. The padded and the packed reference share it.
 */
function attendRow(x: RowCtx, r: number, kv: number, b: number, h: number, qi: number, seq: SeqInfo): void {
  const { D, Dv, row, out } = x;
  const q = r * D;
  let m = -Infinity;
  for (let j = 0; j < seq.lenKv; j++) {
    const kOff = (kv + j) * D;
    let dot = 0;
    for (let d = 0; d < D; d++) dot += x.q[q + d]! * x.k[kOff + d]!;
    const s = postScore(dot * x.scale, b, h, qi, j, seq, x.sm, x.mm);
    row[j] = s;
    if (s > m || Number.isNaN(s)) m = s;
  }
  if (m === -Infinity) return;
  let sum = 0;
  const o = r * Dv;
  for (let j = 0; j < seq.lenKv; j++) {
    const p = Math.exp(row[j]! - m);
    if (p === 0) continue;
    sum += p;
    const vOff = (kv + j) * Dv;
    for (let d = 0; d < Dv; d++) out[o + d] += p * x.v[vOff + d]!;
  }
  for (let d = 0; d < Dv; d++) out[o + d] /= sum;
  x.lse[r] = m + Math.log(sum);
}

/** Attention with mods in float64. Meant for small problems (it is O(B*H*Q*KV*D)). */
export function referenceAttention(inp: AttentionInputs): AttentionResult {
  const { Hkv, Dv } = checkAttentionShape(inp);
  const { B, H, Q, KV, D } = inp;
  checkLength("q", inp.q, B * H * Q * D);
  checkLength("k", inp.k, B * Hkv * KV * D);
  checkLength("v", inp.v, B * Hkv * KV * Dv);
  const x: RowCtx = {
    q: inp.q, k: inp.k, v: inp.v, D, Dv, scale: inp.scale ?? 1 / Math.sqrt(D), sm: scoreFnOf(inp.scoreMod), mm: maskFnOf(inp.maskMod),
    out: new Float64Array(B * H * Q * Dv), lse: new Float64Array(B * H * Q).fill(-Infinity), row: new Float64Array(KV),
  };
  const group = H / Hkv;
  const bindings = problemBindings(inp, inp.bindings);
  withBindings(bindings, () => {
    for (let b = 0; b < B; b++) {
      // Rows past a sequence's length stay zero with lse -inf.
      const seq = seqInfo(bindings.seqlens!, b);
      setAmbientSeq(seq);
      for (let h = 0; h < H; h++) {
        const kBase = (b * Hkv + Math.floor(h / group)) * KV;
        for (let qi = 0; qi < seq.lenQ; qi++) {
          const r = (b * H + h) * Q + qi;
          attendRow(x, r, kBase, b, h, qi, seq);
        }
      }
    }
  });
  return { out: x.out, lse: x.lse };
}

export interface ModGridInputs {
  readonly b: number;
  readonly h: number;
  readonly Q: number;
  readonly KV: number;
  /** The pre-mod score fed to score_mod at every position (default 0), or one per (q, kv). */
  readonly score?: number | ((q: number, kv: number) => number);
  readonly scoreMod?: ScoreFn | ModOf<ScoreFn>;
  readonly maskMod?: MaskFn | ModOf<MaskFn>;
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
  const seq = modSeqInfo({ ...inp.bindings, dims }, inp.b);
  setAmbientSeq(seq);
  withBindings({ ...inp.bindings, dims }, () => {
    for (let q = 0; q < inp.Q; q++) {
      for (let kv = 0; kv < inp.KV; kv++) grid[q * inp.KV + kv] = postScore(scoreAt(q, kv), inp.b, inp.h, q, kv, seq, sm, mm);
    }
  });
  return grid;
}


export interface PackedAttentionInputs extends ModsInput {
  readonly H: number;
  readonly Hkv?: number;
  readonly D: number;
  readonly Dv?: number;
  /** The sequences; Q/K/V are packed: [1, H, TOTAL_Q, D], [1, Hkv, TOTAL_KV, D], [1, Hkv, TOTAL_KV, Dv]. */
  readonly seqlens: Seqlens;
  readonly q: ArrayLike<number>;
  readonly k: ArrayLike<number>;
  readonly v: ArrayLike<number>;
  /** Aux tensors, scalars and extra dims; B, Q, KV (the longest) and the totals come from seqlens. */
  readonly bindings?: Bindings;
}

/**
 * Attention of a packed varlen batch (the runner's layout, docs/varlen.md): each packed query row
 * attends to its own sequence's keys only, and the mods see the sequence (b), local q and kv and
 * its SeqInfo. Output [1, H, TOTAL_Q, Dv] and lse [1, H, TOTAL_Q]: the same rows as
 * referenceAttention on the padded batch, packed.
 */
export function packedReferenceAttention(inp: PackedAttentionInputs): AttentionResult {
  const s = inp.seqlens;
  const { B, Q, KV, TOTAL_Q, TOTAL_KV } = varlenDims(s);
  const { Hkv, Dv } = checkAttentionShape({ B, H: inp.H, Hkv: inp.Hkv, Q, KV, D: inp.D, Dv: inp.Dv });
  const { H, D } = inp;
  checkLength("q", inp.q, H * TOTAL_Q * D);
  checkLength("k", inp.k, Hkv * TOTAL_KV * D);
  checkLength("v", inp.v, Hkv * TOTAL_KV * Dv);
  const x: RowCtx = {
    q: inp.q, k: inp.k, v: inp.v, D, Dv, scale: inp.scale ?? 1 / Math.sqrt(D), sm: scoreFnOf(inp.scoreMod), mm: maskFnOf(inp.maskMod),
    out: new Float64Array(H * TOTAL_Q * Dv), lse: new Float64Array(H * TOTAL_Q).fill(-Infinity), row: new Float64Array(KV),
  };
  const group = H / Hkv;
  const bindings = problemBindings({ B, H, Q, KV, D }, { ...inp.bindings, seqlens: s });
  withBindings(bindings, () => {
    for (let b = 0; b < B; b++) {
      const seq = seqInfo(s, b);
      setAmbientSeq(seq);
      for (let h = 0; h < H; h++) {
        const kvBase = Math.floor(h / group) * TOTAL_KV + seq.offsetKv;
        for (let qi = 0; qi < seq.lenQ; qi++) {
          const r = h * TOTAL_Q + seq.offsetQ + qi;
          attendRow(x, r, kvBase, b, h, qi, seq);
        }
      }
    }
  });
  return { out: x.out, lse: x.lse };
}
