// Variable-length batches (varlen): the sequence lengths of a problem, its cu_seqlens, the dims
// they imply and the `seq` argument (SeqInfo, FA4's seqlen_info) each mod call sees.
//
// One model everywhere (docs/varlen.md): B sequences, sequence b has lenQ(b) queries and
// lenKv(b) keys, packed one after the other (cu_seqlens_q[b] = sum of the lengths before b).
// Q and KV are the longest lengths, TOTAL_Q and TOTAL_KV the packed counts. A batch without
// lengths is B sequences of Q and KV tokens: offsetQ = b * Q, TOTAL_Q = B * Q.
import type { SeqInfo } from "../index";
import type { Bindings } from "./dsl";
import { DslError } from "./errors";

/** Cumulative sequence lengths, B + 1 entries from 0 (FA4's and FlashAttention's cu_seqlens). */
export interface Seqlens {
  readonly cuQ: readonly number[];
  readonly cuKv: readonly number[];
}

const MAX_TOTAL = 2 ** 31 - 1;

/** cu_seqlens of the given lengths: [0, l0, l0 + l1, ...]; every length a positive integer. */
export function cuSeqlens(lengths: readonly number[], what = "sequence length"): number[] {
  if (lengths.length === 0) throw new DslError(`varlen: at least one ${what} is needed`);
  const cu = [0];
  for (const [i, n] of lengths.entries()) {
    if (!Number.isInteger(n) || n < 1) throw new DslError(`varlen: ${what} ${i} is ${n}; lengths are positive integers`);
    const next = cu[cu.length - 1]! + n;
    if (next > MAX_TOTAL) throw new DslError(`varlen: the packed total passes ${MAX_TOTAL} tokens (int32 offsets)`);
    cu.push(next);
  }
  return cu;
}

/** Lengths of self-attention sequences (queries and keys alike). */
export function seqlensOf(lengths: readonly number[], kvLengths: readonly number[] = lengths): Seqlens {
  if (kvLengths.length !== lengths.length) {
    throw new DslError(`varlen: ${lengths.length} query lengths but ${kvLengths.length} key lengths; give one per sequence`);
  }
  return { cuQ: cuSeqlens(lengths, "query length"), cuKv: cuSeqlens(kvLengths, "key length") };
}

/** The lengths of an equal-length batch: B sequences of Q queries and KV keys. */
export function uniformSeqlens(B: number, Q: number, KV: number): Seqlens {
  return seqlensOf(Array.from({ length: B }, () => Q), Array.from({ length: B }, () => KV));
}

const lengthsOf = (cu: readonly number[]): number[] => cu.slice(1).map((x, i) => x - cu[i]!);

/** The problem dims a varlen batch implies: B sequences, the longest Q and KV, the packed totals. */
export function varlenDims(s: Seqlens): { B: number; Q: number; KV: number; TOTAL_Q: number; TOTAL_KV: number } {
  return {
    B: s.cuQ.length - 1,
    Q: Math.max(...lengthsOf(s.cuQ)),
    KV: Math.max(...lengthsOf(s.cuKv)),
    TOTAL_Q: s.cuQ[s.cuQ.length - 1]!,
    TOTAL_KV: s.cuKv[s.cuKv.length - 1]!,
  };
}

/** Whether every sequence has the same lengths (the batch is a plain [B, H, S, D] one). */
export function isUniform(s: Seqlens): boolean {
  const q = lengthsOf(s.cuQ), kv = lengthsOf(s.cuKv);
  return q.every((x) => x === q[0]) && kv.every((x) => x === kv[0]);
}

/** Sequence b's SeqInfo: what FA4's seqlen_info holds for it. */
export function seqInfo(s: Seqlens, b: number): SeqInfo {
  const offsetQ = s.cuQ[b], offsetKv = s.cuKv[b];
  if (offsetQ === undefined || offsetKv === undefined || b + 1 >= s.cuQ.length) {
    throw new DslError(`varlen: no sequence ${b} (the batch has ${s.cuQ.length - 1})`);
  }
  return Object.freeze({ offsetQ, offsetKv, lenQ: s.cuQ[b + 1]! - offsetQ, lenKv: s.cuKv[b + 1]! - offsetKv });
}

/**
 * `--seqlens` text: a comma-separated list of lengths ("1024,3000,4168"), or `N@SEED` for N
 * unequal random lengths of at most `max` tokens each (seeded, so every run of a spec agrees).
 */
export function parseSeqlens(text: string, max: number): number[] {
  const t = text.trim();
  const rnd = /^(\d+)@(\d+)$/.exec(t);
  if (rnd) return randomLengths(Number(rnd[1]), max, Number(rnd[2]));
  if (!/^\d+(\s*,\s*\d+)*$/.test(t)) {
    throw new DslError(`--seqlens '${text}': expected lengths separated by commas (1024,3000,4168) or COUNT@SEED (8@1) for random lengths up to ${max}`);
  }
  const lengths = t.split(",").map((x) => Number(x.trim()));
  cuSeqlens(lengths);
  return lengths;
}

/**
 * Random lengths come in multiples of this, so that mods of V up to 8 run on them (a V-lane chunk
 * must not straddle two sequences: runner/varlen.ts); a list gives any lengths.
 */
export const RANDOM_LENGTH_QUANTUM = 8;

/**
 * N lengths in [max / 4, max], multiples of RANDOM_LENGTH_QUANTUM (when max is at least that),
 * from a seeded xorshift (reproducible, not the sampler's stream); one of them is the longest.
 */
export function randomLengths(n: number, max: number, seed: number): number[] {
  if (!Number.isInteger(n) || n < 1 || n > 4096) throw new DslError(`varlen: ${n} random sequences: the count must be in [1, 4096]`);
  if (!Number.isInteger(max) || max < 1) throw new DslError(`varlen: the longest sequence must be a positive integer, got ${max}`);
  let x = (seed ^ 0x9e3779b9) >>> 0 || 1;
  const next = (): number => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const u = max >= RANDOM_LENGTH_QUANTUM ? RANDOM_LENGTH_QUANTUM : 1;
  const top = Math.floor(max / u), lo = Math.max(1, Math.floor(top / 4));
  const out = Array.from({ length: n }, () => u * (lo + (next() % (top - lo + 1))));
  out[next() % n] = u * top;  // the longest, so Q is (up to the quantum) what the user asked for
  return out;
}

/**
 * The SeqInfo of batch entry b under `bindings`: its seqlens', else that of B equal sequences of
 * the bound Q and KV (a view or a mod grid over one (b, h) slice).
 */
export function modSeqInfo(bindings: Bindings, b: number): SeqInfo {
  if (bindings.seqlens) return seqInfo(bindings.seqlens, b);
  const d = bindings.dims ?? {};
  const Q = d.Q, KV = d.KV;
  if (Q === undefined || KV === undefined) throw new DslError("seq: the problem's Q and KV are not bound");
  return Object.freeze({ offsetQ: b * Q, offsetKv: b * KV, lenQ: Q, lenKv: KV });
}
