// Varlen in the runtime: cu_seqlens and the dims they imply, --seqlens text, and the float64
// reference: a padded varlen batch equals each sequence computed alone, and every mod call sees
// its sequence's SeqInfo.
import { describe, expect, it } from "vitest";
import { maskMod, scoreMod, tensor, f32 } from "../../../runtime/src/dsl";
import { packedReferenceAttention, referenceAttention } from "../../../runtime/src/reference";
import { cuSeqlens, isUniform, modSeqInfo, parseSeqlens, randomLengths, seqInfo, seqlensOf, varlenDims } from "../../../runtime/src/varlen";
import type { SeqInfo } from "../../../runtime/index";

describe("cu_seqlens", () => {
  it("packs lengths and implies B, the longest Q/KV and the totals", () => {
    const s = seqlensOf([3, 5, 2], [4, 5, 1]);
    expect(s.cuQ).toEqual([0, 3, 8, 10]);
    expect(varlenDims(s)).toEqual({ B: 3, Q: 5, KV: 5, TOTAL_Q: 10, TOTAL_KV: 10 });
    expect(seqInfo(s, 1)).toEqual({ offsetQ: 3, offsetKv: 4, lenQ: 5, lenKv: 5 });
    expect(isUniform(s)).toBe(false);
    expect(isUniform(seqlensOf([4, 4]))).toBe(true);
    expect(() => seqInfo(s, 3)).toThrow(/no sequence 3/);
    expect(() => cuSeqlens([2, 0])).toThrow(/length 1 is 0/);
    expect(() => seqlensOf([1, 2], [1])).toThrow(/one per sequence/);
  });

  it("reads --seqlens as a list or COUNT@SEED (reproducible, the longest is the max)", () => {
    expect(parseSeqlens("1024,3000, 4168", 8192)).toEqual([1024, 3000, 4168]);
    const r = parseSeqlens("6@7", 1000);
    expect(r).toEqual(randomLengths(6, 1000, 7));
    expect(r).toHaveLength(6);
    expect(Math.max(...r)).toBe(1000);
    expect(Math.min(...r)).toBeGreaterThanOrEqual(250);
    expect(new Set(r).size).toBeGreaterThan(1);
    expect(r.every((n) => n % 8 === 0)).toBe(true);
    expect(parseSeqlens("3@1", 5).every((n) => n >= 1 && n <= 5)).toBe(true);
    expect(() => parseSeqlens("10,x", 100)).toThrow(/COUNT@SEED/);
    expect(() => parseSeqlens("0,3", 100)).toThrow(/positive/);
  });

  it("an equal-length batch's SeqInfo is offset b * Q", () => {
    expect(modSeqInfo({ dims: { Q: 8, KV: 6 } }, 2)).toEqual({ offsetQ: 16, offsetKv: 12, lenQ: 8, lenKv: 6 });
  });
});

describe("the reference attention per sequence", () => {
  const H = 2, D = 4;
  const rnd = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(seed * 7.13 + i * 1.37));
  const lens = [3, 5, 2];
  const s = seqlensOf(lens);
  const { B, Q, TOTAL_Q } = varlenDims(s);
  // A per-token bias over the packed batch: one value per (head, packed key).
  const bias = tensor("vl_bias", f32, ["H", "TOTAL_KV"]);
  const biasVals = rnd(H * TOTAL_Q, 3);
  const seen: SeqInfo[] = [];
  const sm = scoreMod((x, b, h, q, kv, seq) => { seen.push(seq); return x + bias.at(h, kv + seq.offsetKv); });
  const mm = maskMod((b, h, q, kv, seq) => kv <= q + seq.lenKv - seq.lenQ);

  it("equals each sequence alone, rows past a sequence are zero with lse -inf", () => {
    const q = rnd(B * H * Q * D, 1), k = rnd(B * H * Q * D, 2), v = rnd(B * H * Q * D, 4);
    const tensors = { vl_bias: { dtype: "f32" as const, shape: [H, TOTAL_Q], strides: [TOTAL_Q, 1], values: biasVals.map(Math.fround) } };
    const all = referenceAttention({ B, H, Q, KV: Q, D, q, k, v, scoreMod: sm, maskMod: mm, bindings: { seqlens: s, tensors } });
    for (let b = 0; b < B; b++) {
      const L = lens[b]!;
      // Sequence b alone: a batch of one sequence of L tokens, its bias rows sliced out.
      const slice = (a: number[]) => Array.from({ length: H * L * D }, (_, i) => {
        const h = Math.floor(i / (L * D)), r = i % (L * D);
        return a[(b * H + h) * Q * D + r]!;
      });
      const own = Array.from({ length: H * L }, (_, i) => biasVals[Math.floor(i / L) * TOTAL_Q + s.cuKv[b]! + (i % L)]!);
      const one = referenceAttention({
        B: 1, H, Q: L, KV: L, D, q: slice(q), k: slice(k), v: slice(v), maskMod: (bb, h, qq, kk) => kk <= qq,
        scoreMod: (x, bb, h, qq, kk) => x + Math.fround(own[h * L + kk]!),
      });
      for (let h = 0; h < H; h++) {
        for (let r = 0; r < Q; r++) {
          const row = (b * H + h) * Q + r;
          if (r >= L) {
            expect(all.lse[row]).toBe(-Infinity);
            for (let d = 0; d < D; d++) expect(all.out[row * D + d]).toBe(0);
            continue;
          }
          expect(all.lse[row]).toBeCloseTo(one.lse[h * L + r]!, 12);
          for (let d = 0; d < D; d++) expect(all.out[row * D + d]).toBeCloseTo(one.out[(h * L + r) * D + d]!, 12);
        }
      }
    }
    expect(new Set(seen.map((x) => x.offsetKv))).toEqual(new Set([0, 3, 8]));
  });

  it("the packed layout computes the same rows as the padded one", () => {
    const q = rnd(B * H * Q * D, 1), k = rnd(B * H * Q * D, 2), v = rnd(B * H * Q * D, 4);
    const tensors = { vl_bias: { dtype: "f32" as const, shape: [H, TOTAL_Q], strides: [TOTAL_Q, 1], values: biasVals.map(Math.fround) } };
    const padded = referenceAttention({ B, H, Q, KV: Q, D, q, k, v, scoreMod: sm, maskMod: mm, bindings: { seqlens: s, tensors } });
    // Pack: row (b, h, r < len) of the padded batch is row (h, cu[b] + r) of the packed one.
    const pack = (a: number[]) => {
      const o = new Array(H * TOTAL_Q * D).fill(0);
      for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let r = 0; r < lens[b]!; r++) for (let d = 0; d < D; d++) {
        o[(h * TOTAL_Q + s.cuQ[b]! + r) * D + d] = a[((b * H + h) * Q + r) * D + d]!;
      }
      return o;
    };
    const packed = packedReferenceAttention({ H, D, seqlens: s, q: pack(q), k: pack(k), v: pack(v), scoreMod: sm, maskMod: mm, bindings: { tensors } });
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let r = 0; r < lens[b]!; r++) {
      const pr = h * TOTAL_Q + s.cuQ[b]! + r, qr = (b * H + h) * Q + r;
      expect(packed.lse[pr]).toBe(padded.lse[qr]);
      for (let d = 0; d < D; d++) expect(packed.out[pr * D + d]).toBe(padded.out[qr * D + d]);
    }
  });

  it("refuses lengths that disagree with the problem", () => {
    const z = new Array(B * H * Q * D).fill(0);
    expect(() => referenceAttention({ B, H, Q: Q + 1, KV: Q + 1, D, q: new Array(B * H * (Q + 1) * D).fill(0), k: new Array(B * H * (Q + 1) * D).fill(0), v: new Array(B * H * (Q + 1) * D).fill(0), bindings: { seqlens: s } }))
      .toThrow(/the sequence lengths give Q = 5 \(the longest\) but the problem has Q = 6/);
    void z;
  });
});
