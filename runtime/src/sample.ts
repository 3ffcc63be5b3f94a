// Deterministic sample data: aux tensors filled as their `init` says, laid out as their strides
// say, both as float64 values (for the JS reference) and as the raw little-endian allocation the
// GPU reads; plus seeded random Q/K/V. Same seed, same bytes, on every machine.
import type { DTypeName, Init, Tensor } from "../index";
import { DslError, type Bindings, type TensorData } from "./dsl";
import { dtypeBytes, encodeValues, isFloatDType, storeValue } from "./dtypes";
import { allocationElements, isRowMajor, parseStride, resolveShape, resolveStrides, type DimValues } from "./layout";
import { sampleLog, sampleSinCos2Pi } from "./sampleMath";

// ---------------------------------------------------------------------------------------------
// Random numbers

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal. */
  normal(): number;
  /** Integer uniform in [lo, hi). */
  int(lo: number, hi: number): number;
}

/** FNV-1a of a string, to give each tensor its own stream under one seed. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const MULBERRY_STEP = 0x6d2b79f5;

/** mulberry32's output for the state it holds after `k + 1` steps from `seed`: the k-th draw. */
function mulberry(state: number): number {
  let t = state >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * The k-th uniform draw (k from 0) of createRng(seed), computed directly: mulberry32's state is a
 * counter, which is what lets the GPU generator (csrc/kernels/sample_fill.cuh) fill any element
 * on its own. k is taken mod 2^32, as the state wraps.
 */
export function uniformAt(seed: number, k: number): number {
  return mulberry((seed >>> 0) + Math.imul((k + 1) >>> 0, MULBERRY_STEP));
}

/**
 * The i-th standard normal of createRng(seed) when only normals are drawn: pair i >> 1 takes
 * draws 2(i >> 1) (radius) and 2(i >> 1) + 1 (angle); even i the cosine, odd i the sine.
 */
export function normalAt(seed: number, i: number): number {
  const pair = Math.floor(i / 2);
  const r = Math.sqrt(-2 * sampleLog(1 - uniformAt(seed, 2 * pair)));
  const [c, s] = sampleSinCos2Pi(uniformAt(seed, 2 * pair + 1));
  return i % 2 === 0 ? r * c : r * s;
}

/** A small seeded generator (mulberry32): fast, deterministic, good enough for test data. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + MULBERRY_STEP) >>> 0;
    return mulberry(a);
  };
  let spare: number | undefined;
  return {
    next,
    normal(): number {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return z;
      }
      // Box-Muller: two normals per pair of uniforms; 1 - u keeps the log argument in (0, 1].
      // The log and the sine/cosine are sampleMath's, so CUDA and Python reproduce every bit.
      const r = Math.sqrt(-2 * sampleLog(1 - next()));
      const [c, s] = sampleSinCos2Pi(next());
      spare = r * s;
      return r * c;
    },
    int(lo: number, hi: number): number {
      return lo + Math.floor(next() * (hi - lo));
    },
  };
}

/** The seed of a tensor's own stream under a run's seed. */
export function streamSeed(seed: number, name: string): number {
  return (hashString(name) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Aux tensors

/** A tensor's sample data: what `.at()` reads and what the runner copies to the device. */
export interface SampleTensor extends TensorData {
  readonly name: string;
  readonly dtype: DTypeName;
  readonly shape: readonly number[];
  /** Strides in elements. */
  readonly strides: readonly number[];
  /** Stored value of every allocation element (padding elements are 0). */
  readonly values: Float64Array;
  /** The allocation as the GPU sees it, little-endian. */
  readonly bytes: Uint8Array;
  /** Logical elements (product of the shape). */
  readonly elementCount: number;
  /** Elements the allocation spans (>= elementCount when strides pad). */
  readonly allocElements: number;
}

/** The init a declaration gets when it gives none (see TensorOptions.init). */
export function defaultInit(dtype: DTypeName): Init {
  if (isFloatDType(dtype)) return { normal: { mean: 0, std: 1 } };
  if (dtype === "bool") return { bits: 0.5 };
  return { range: [0, 2] };
}

/** Visit every logical index in row-major order with its allocation offset. */
function forEachIndex(shape: readonly number[], strides: readonly number[], fn: (logical: number, offset: number, idx: readonly number[]) => void): void {
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  const total = shape.reduce((p, e) => p * e, 1);
  let off = 0;
  for (let n = 0; n < total; n++) {
    fn(n, off, idx);
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      off += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      off -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

/** Sorted distinct cut points in [1, len): `count` of them, uniformly chosen. */
function cutPoints(rng: Rng, len: number, count: number): number[] {
  const pool = Array.from({ length: len - 1 }, (_, i) => i + 1);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, count).sort((x, y) => x - y);
}

/** Logical values (row-major) for one declaration. */
function logicalValues(dtype: DTypeName, shape: readonly number[], init: Init, rng: Rng): Float64Array {
  const total = shape.reduce((p, e) => p * e, 1);
  const out = new Float64Array(total);
  if ("normal" in init) {
    const { mean = 0, std = 1 } = init.normal;
    for (let i = 0; i < total; i++) out[i] = mean + std * rng.normal();
  } else if ("uniform" in init) {
    const [lo, hi] = init.uniform;
    for (let i = 0; i < total; i++) out[i] = lo + (hi - lo) * rng.next();
  } else if ("range" in init) {
    const [lo, hi] = init.range;
    for (let i = 0; i < total; i++) out[i] = rng.int(lo, hi);
  } else if ("segments" in init) {
    const len = shape[shape.length - 1]!;
    const runs = Math.min(init.segments, len);
    for (let row = 0; row < total / len; row++) {
      const cuts = cutPoints(rng, len, runs - 1);
      let id = 0;
      for (let j = 0; j < len; j++) {
        while (id < cuts.length && cuts[id]! <= j) id++;
        out[row * len + j] = id;
      }
    }
  } else {
    const p = init.bits;
    // i64: 32 bits, as a signed int32 value, so a lane (the value saturated to int32, the DSL's
    // ints being 32-bit) holds every bit.
    const width = dtype === "bool" ? 1 : dtype === "i64" ? 32 : dtypeBytes(dtype) * 8;
    const signed = dtype === "i32" || dtype === "i8" || dtype === "i64";
    for (let i = 0; i < total; i++) {
      let v = 0;
      if (p === 0.5 && width > 1) {
        // Fair bits: the top `width` bits of one uniform draw (packed masks can be large).
        v = Math.floor(rng.next() * 2 ** width);
      } else {
        for (let bit = 0; bit < width; bit++) if (rng.next() < p) v += 2 ** bit;
      }
      // Signed types hold the same bits as a signed number.
      out[i] = signed && v >= 2 ** (width - 1) ? v - 2 ** width : v;
    }
  }
  return out;
}

function build(decl: Tensor, dims: DimValues, logical: ArrayLike<number>): SampleTensor {
  const what = `tensor "${decl.name}"`;
  const shape = resolveShape(decl.shape, dims, what);
  const strides = resolveStrides(decl.shape, decl.options, dims, what);
  const elementCount = shape.reduce((p, e) => p * e, 1);
  if (logical.length !== elementCount) {
    throw new DslError(`${what}: ${logical.length} values for shape [${shape.join(", ")}] (${elementCount} elements)`);
  }
  const allocElements = allocationElements(shape, strides);
  const dt = decl.dtype.name;
  const stored = new Float64Array(elementCount);
  let n = 0;
  try {
    for (; n < elementCount; n++) stored[n] = storeValue(dt, logical[n]!);
  } catch (e) {
    throw new DslError(`${what}: element ${n}: ${(e as Error).message}`);
  }
  let values = stored;
  if (!isRowMajor(shape, strides)) {
    values = new Float64Array(allocElements);
    forEachIndex(shape, strides, (i, off) => { values[off] = stored[i]!; });
  }
  return { name: decl.name, dtype: dt, shape, strides, values, bytes: encodeValues(dt, values), elementCount, allocElements };
}

/** The logical values (row-major over the shape) of tensor data in any layout. */
export function toLogical(t: TensorData): Float64Array {
  const out = new Float64Array(t.shape.reduce((p, e) => p * e, 1));
  forEachIndex(t.shape, t.strides, (n, off) => { out[n] = t.values[off]!; });
  return out;
}

/** Seeded sample data for a declaration, following its init (or the dtype's default) and layout. */
export function sampleTensor(decl: Tensor, dims: DimValues, seed = 0): SampleTensor {
  const what = `tensor "${decl.name}"`;
  const shape = resolveShape(decl.shape, dims, what);
  const init = decl.options.init ?? defaultInit(decl.dtype.name);
  const rng = createRng(streamSeed(seed, decl.name));
  return build(decl, dims, logicalValues(decl.dtype.name, shape, init, rng));
}

/** Wrap caller-provided logical values (row-major over the shape) in the declaration's layout. */
export function tensorFromLogical(decl: Tensor, dims: DimValues, logical: ArrayLike<number>): SampleTensor {
  return build(decl, dims, logical);
}

/** Every symbolic dim a declaration mentions, in its shape or its strides. */
export function dimNamesOf(decl: Tensor): string[] {
  const names = new Set<string>();
  for (const d of decl.shape) if (typeof d === "string") names.add(d);
  for (const s of decl.options.strides ?? []) for (const t of parseStride(s)) for (const v of t.vars) names.add(v);
  return [...names];
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a / gcd(a, b)) * b;
}

/**
 * Values for every symbolic dim of `decls`: the given ones (checked against every declared
 * divisibility fact), the packed totals from B, Q and KV, and for the rest `fallback` rounded up
 * to satisfy those facts. Without a fallback a dim left over is an error that names it: a run
 * at a size passes none (the user sets every dim); only small previews may pick one.
 */
export function resolveDims(decls: readonly Tensor[], given: DimValues, fallback?: number): Record<string, number> {
  const mult: Record<string, number> = {};
  for (const t of decls) {
    for (const [k, v] of Object.entries(t.options.divisible ?? {})) mult[k] = lcm(mult[k] ?? 1, v);
  }
  const out: Record<string, number> = { ...given };
  for (const [k, v] of Object.entries(given)) {
    if (!Number.isInteger(v) || v < 1) throw new DslError(`dim ${k} = ${v} must be a positive integer`);
    const m = mult[k];
    if (m !== undefined && v % m !== 0) {
      const who = decls.filter((t) => t.options.divisible?.[k] !== undefined).map((t) => t.name);
      throw new DslError(`dim ${k} = ${v} breaks the fact ${k} % ${m} == 0 declared by ${who.join(", ")}`);
    }
  }
  // The packed totals of a batch of B equal sequences (varlen.ts); a varlen problem gives its own.
  const totals: Record<string, number | undefined> = {
    TOTAL_Q: out.B !== undefined && out.Q !== undefined ? out.B * out.Q : undefined,
    TOTAL_KV: out.B !== undefined && out.KV !== undefined ? out.B * out.KV : undefined,
  };
  for (const t of decls) {
    for (const k of dimNamesOf(t)) {
      if (out[k] === undefined) {
        const m = mult[k] ?? 1;
        const total = totals[k];
        if (total !== undefined && total % m !== 0) throw new DslError(`dim ${k} = B * ${k === "TOTAL_Q" ? "Q" : "KV"} = ${total} breaks the fact ${k} % ${m} == 0`);
        if (total === undefined && fallback === undefined) throw new DslError(`dim ${k} (tensor "${t.name}") has no value: give it a size`);
        out[k] = total ?? Math.ceil(fallback! / m) * m;
      }
    }
  }
  return out;
}

/** Bindings with sample data for every tensor in `decls` (each its own stream under `seed`). */
export function sampleBindings(
  decls: readonly Tensor[], dims: DimValues, seed = 0, scalars: Readonly<Record<string, number>> = {},
): Bindings & { readonly tensors: Readonly<Record<string, SampleTensor>> } {
  const tensors: Record<string, SampleTensor> = {};
  for (const t of decls) {
    if (tensors[t.name]) throw new DslError(`two tensors are named "${t.name}"; tensor names must be unique`);
    tensors[t.name] = sampleTensor(t, dims, seed);
  }
  return { dims: { ...dims }, tensors, scalars: { ...scalars } };
}

// ---------------------------------------------------------------------------------------------
// Q, K, V

export interface AttentionShape {
  readonly B: number;
  readonly H: number;
  /** Key/value heads (GQA); must divide H. Default H. */
  readonly Hkv?: number;
  readonly Q: number;
  readonly KV: number;
  /** Head dim of Q and K. */
  readonly D: number;
  /** Head dim of V. Default D. */
  readonly Dv?: number;
}

export interface DenseTensor {
  /** Logical shape; row-major, contiguous. */
  readonly shape: readonly number[];
  /** bf16-rounded values. */
  readonly values: Float64Array;
  /** bf16 bits, little-endian. */
  readonly bytes: Uint8Array;
}

function randomBf16(shape: number[], rng: Rng): DenseTensor {
  const n = shape.reduce((p, e) => p * e, 1);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = storeValue("bf16", rng.normal());
  return { shape, values, bytes: encodeValues("bf16", values) };
}

/** Check an attention problem's sizes; returns Hkv and Dv with their defaults applied. */
export function checkAttentionShape(s: AttentionShape): { Hkv: number; Dv: number } {
  const Hkv = s.Hkv ?? s.H;
  const Dv = s.Dv ?? s.D;
  for (const [k, v] of Object.entries({ B: s.B, H: s.H, Hkv, Q: s.Q, KV: s.KV, D: s.D, Dv })) {
    if (!Number.isInteger(v) || v < 1) throw new DslError(`attention ${k} = ${v} must be a positive integer`);
  }
  if (s.H % Hkv !== 0) throw new DslError(`attention: Hkv = ${Hkv} must divide H = ${s.H} (GQA)`);
  return { Hkv, Dv };
}

/**
 * Seeded standard-normal Q [B, H, Q, D], K [B, Hkv, KV, D], V [B, Hkv, KV, Dv], rounded to bf16
 * (the kernels' input type), row-major in FlexAttention's (batch, head, seq, dim) order.
 */
export function randomQKV(shape: AttentionShape, seed = 0): { q: DenseTensor; k: DenseTensor; v: DenseTensor } {
  const { Hkv, Dv } = checkAttentionShape(shape);
  const { B, H, Q, KV, D } = shape;
  return {
    q: randomBf16([B, H, Q, D], createRng(streamSeed(seed, "@q"))),
    k: randomBf16([B, Hkv, KV, D], createRng(streamSeed(seed, "@k"))),
    v: randomBf16([B, Hkv, KV, Dv], createRng(streamSeed(seed, "@v"))),
  };
}
