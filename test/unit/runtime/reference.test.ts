import { describe, expect, it } from "vitest";
import { bf16, DslIndexError, maskMod, scoreMod, tensor } from "../../../runtime/src/dsl";
import { modGrid, referenceAttention } from "../../../runtime/src/reference";
import { randomQKV, sampleBindings } from "../../../runtime/src/sample";

/**
 * An independent, deliberately plain implementation: expand K/V to every query head, build the
 * full [B, H, Q, KV] post-mod score tensor, then a two-pass softmax per row.
 */
function naiveAttention(p: {
  B: number; H: number; Hkv: number; Q: number; KV: number; D: number; Dv: number;
  q: ArrayLike<number>; k: ArrayLike<number>; v: ArrayLike<number>; scale: number;
  score?: (s: number, b: number, h: number, q: number, kv: number) => number;
  mask?: (b: number, h: number, q: number, kv: number) => boolean;
}): { out: number[]; lse: number[] } {
  const { B, H, Hkv, Q, KV, D, Dv } = p;
  const rep = H / Hkv;
  const K = (b: number, h: number, j: number, d: number) => p.k[((b * Hkv + Math.floor(h / rep)) * KV + j) * D + d]!;
  const V = (b: number, h: number, j: number, d: number) => p.v[((b * Hkv + Math.floor(h / rep)) * KV + j) * Dv + d]!;
  const out: number[] = [];
  const lse: number[] = [];
  for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let i = 0; i < Q; i++) {
    const s: number[] = [];
    for (let j = 0; j < KV; j++) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += p.q[((b * H + h) * Q + i) * D + d]! * K(b, h, j, d);
      const modded = p.score ? p.score(dot * p.scale, b, h, i, j) : dot * p.scale;
      s.push(p.mask && !p.mask(b, h, i, j) ? -Infinity : modded);
    }
    const kept = s.filter((x) => x !== -Infinity);
    if (kept.length === 0) {
      for (let d = 0; d < Dv; d++) out.push(0);
      lse.push(-Infinity);
      continue;
    }
    const m = Math.max(...kept);
    const w = s.map((x) => Math.exp(x - m));
    const z = w.reduce((a, x) => a + x, 0);
    for (let d = 0; d < Dv; d++) {
      let acc = 0;
      for (let j = 0; j < KV; j++) acc += (w[j]! / z) * V(b, h, j, d);
      out.push(acc);
    }
    lse.push(m + Math.log(z));
  }
  return { out, lse };
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(b[i]!)) expect(a[i]).toBe(b[i]);
    else expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(b[i]!)));
  }
}

const shape = { B: 2, H: 4, Hkv: 2, Q: 5, KV: 7, D: 8, Dv: 6 };
const { q, k, v } = randomQKV(shape, 1);
const kvBias = tensor("ref_kv_bias", bf16, ["B", "H", "KV"]);
const bindings = sampleBindings([kvBias], { B: 2, H: 4, KV: 7 }, 2);

describe("referenceAttention", () => {
  it("matches the naive implementation without mods (default scale 1/sqrt(D))", () => {
    const r = referenceAttention({ ...shape, q: q.values, k: k.values, v: v.values });
    const n = naiveAttention({ ...shape, q: q.values, k: k.values, v: v.values, scale: 1 / Math.sqrt(8) });
    expectClose(r.out, n.out);
    expectClose(r.lse, n.lse);
  });

  it("matches the naive implementation with a score_mod reading an aux tensor, a mask and GQA", () => {
    const sm = scoreMod({ vecSize: 8 }, (s, b, h, qi, kv) => s + kvBias.at(b, h, kv) + 0.1 * (kv - qi));
    const mm = maskMod((b, h, qi, kv) => qi + 1 >= kv || h === 3);
    const r = referenceAttention({ ...shape, q: q.values, k: k.values, v: v.values, scale: 0.3, scoreMod: sm, maskMod: mm, bindings });
    const n = naiveAttention({
      ...shape, q: q.values, k: k.values, v: v.values, scale: 0.3,
      score: (s, b, h, qi, kv) => s + bindings.tensors!.ref_kv_bias!.values[(b * 4 + h) * 7 + kv]! + 0.1 * (kv - qi),
      mask: (b, h, qi, kv) => qi + 1 >= kv || h === 3,
    });
    expectClose(r.out, n.out);
    expectClose(r.lse, n.lse);
    // And the mods did change the result.
    const plain = referenceAttention({ ...shape, q: q.values, k: k.values, v: v.values, scale: 0.3 });
    expect(Math.max(...r.out.map((x, i) => Math.abs(x - plain.out[i]!)))).toBeGreaterThan(1e-3);
  });

  it("outputs zeros and lse = -inf for fully masked rows, like FlexAttention", () => {
    const mm = maskMod((b, h, qi, kv) => qi >= kv + 2); // rows q = 0, 1 keep nothing
    const r = referenceAttention({ ...shape, q: q.values, k: k.values, v: v.values, maskMod: mm });
    const n = naiveAttention({ ...shape, q: q.values, k: k.values, v: v.values, scale: 1 / Math.sqrt(8), mask: (b, h, qi, kv) => qi >= kv + 2 });
    expectClose(r.out, n.out);
    expectClose(r.lse, n.lse);
    expect([...r.out.slice(0, 2 * 6)]).toEqual(new Array(12).fill(0));
    expect([r.lse[0], r.lse[1]]).toEqual([-Infinity, -Infinity]);
    expect(Number.isFinite(r.lse[2]!)).toBe(true);
  });

  it("applies score_mod before masking, so values it produces at masked positions never leak", () => {
    const sm = scoreMod((s, b, h, qi, kv) => (kv > qi ? NaN : s));
    const r = referenceAttention({ ...shape, q: q.values, k: k.values, v: v.values, scoreMod: sm, maskMod: (b, h, qi, kv) => qi >= kv });
    for (const x of r.out) expect(Number.isFinite(x)).toBe(true);
    // Without the mask the NaN propagates.
    const bad = referenceAttention({ ...shape, q: q.values, k: k.values, v: v.values, scoreMod: sm });
    expect(Number.isNaN(bad.out[0])).toBe(true);
  });

  it("treats a score_mod returning -inf everywhere as a fully masked row", () => {
    const r = referenceAttention({ ...shape, q: q.values, k: k.values, v: v.values, scoreMod: (s, b, h, qi) => (qi === 0 ? -Infinity : s) });
    expect([...r.out.slice(0, 6)]).toEqual(new Array(6).fill(0));
    expect(r.lse[0]).toBe(-Infinity);
  });

  it("reports bad inputs and out-of-range aux reads clearly", () => {
    expect(() => referenceAttention({ ...shape, q: q.values.slice(1), k: k.values, v: v.values })).toThrow(/attention q: 319 values, expected 320/);
    expect(() => referenceAttention({ ...shape, q: q.values, k: k.values, v: v.values, bindings: { dims: { KV: 9 } } })).toThrow(/KV = 9 but the problem has KV = 7/);
    const oob = scoreMod((s, b, h, qi, kv) => s + kvBias.at(b, h, kv + 1));
    expect(() => referenceAttention({ ...shape, q: q.values, k: k.values, v: v.values, scoreMod: oob, bindings })).toThrow(DslIndexError);
    expect(() => referenceAttention({ ...shape, q: q.values, k: k.values, v: v.values, maskMod: (() => 1) as unknown as () => boolean }))
      .toThrow(/mask_mod returned number/);
  });
});

describe("modGrid", () => {
  it("evaluates the mods on one (b, h) slice with -inf where masked", () => {
    const g = modGrid({ b: 1, h: 2, Q: 3, KV: 7, score: 1, bindings, scoreMod: (s, b, h, qi, kv) => s + kvBias.at(b, h, kv), maskMod: (b, h, qi, kv) => qi >= kv });
    const row = bindings.tensors!.ref_kv_bias!.values.slice((1 * 4 + 2) * 7, (1 * 4 + 2) * 7 + 7);
    expect(g[0]).toBe(1 + row[0]!);
    expect(g[1]).toBe(-Infinity);
    expect(g[2 * 7 + 2]).toBe(1 + row[2]!);
  });
});
