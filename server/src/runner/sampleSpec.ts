// What the GPU sample generator (csrc/kernels/sample_fill.cuh) is told about one tensor: its
// layout, its init as numbers, and its stream's seed, packed into the kernel's SmSampleParams.
// Pure: no CUDA. The generator then writes the same bytes as runtime/src/sample.ts (the CPU
// sampler) for the same declaration, dims and seed.
import type { DTypeName, Tensor } from "scoremod";
import { DslError } from "scoremod/dsl";
import { dtypeBytes, intRange, isFloatDType, type IntDTypeName } from "scoremod/dtypes";
import { allocationElements, isRowMajor, resolveShape, resolveStrides, type DimValues } from "scoremod/layout";
import { defaultInit, streamSeed } from "scoremod/sample";

export const SAMPLE_MAX_RANK = 8;
export const SAMPLE_OFFSETS = {
  out: 0, scratch: 8, flagsBuf: 16, total: 24, shape: 32, strides: 96, a: 160, b: 168,
  seed: 176, rank: 180, kind: 184, dtype: 188, width: 192, flags: 196,
} as const;
export const SAMPLE_PARAMS_SIZE = 200;

export const INIT_KIND = { normal: 0, uniform: 1, range: 2, bits: 3, segments: 4 } as const;
/** Storage codes; "f64" is not a DSL dtype: the generator's doubles as they are, for last-bit checks. */
export const STORAGE: Readonly<Record<DTypeName | "f64", number>> = { bf16: 0, f16: 1, f32: 2, i32: 3, u8: 4, u32: 5, i64: 6, u16: 7, i8: 8, bool: 9, f64: 10 };
export const SAMPLE_FLAG = { signed: 1, fairBits: 2, nonzero: 4, rowMajor: 8 } as const;

export interface SampleSpec {
  name: string;
  dtype: DTypeName | "f64";
  shape: number[];
  /** In elements. */
  strides: number[];
  allocElements: number;
  /** Logical elements. */
  total: number;
  kind: number;
  a: number;
  b: number;
  width: number;
  flags: number;
  /** The stream's seed (what createRng gets). */
  seed: number;
}

/** The spec of an aux tensor's sample data under a run's seed (sampleTensor's inputs). */
export function auxSampleSpec(decl: Tensor, dims: DimValues, seed: number): SampleSpec {
  const what = `tensor "${decl.name}"`;
  const shape = resolveShape(decl.shape, dims, what);
  const strides = resolveStrides(decl.shape, decl.options, dims, what);
  if (shape.length > SAMPLE_MAX_RANK) throw new DslError(`${what}: rank ${shape.length}; the GPU sample generator takes up to ${SAMPLE_MAX_RANK} dims`);
  const dtype = decl.dtype.name;
  const init = decl.options.init ?? defaultInit(dtype);
  const total = shape.reduce((p, e) => p * e, 1);
  let kind: number, a = 0, b = 0, width = 0, flags = isRowMajor(shape, strides) ? SAMPLE_FLAG.rowMajor : 0;
  if ("normal" in init) {
    kind = INIT_KIND.normal; a = init.normal.mean ?? 0; b = init.normal.std ?? 1;
  } else if ("uniform" in init) {
    kind = INIT_KIND.uniform; [a, b] = init.uniform;
  } else if ("range" in init) {
    kind = INIT_KIND.range; [a, b] = init.range;
    checkFits(what, dtype, a, b - 1);
  } else if ("segments" in init) {
    kind = INIT_KIND.segments;
    const len = shape[shape.length - 1] ?? 1;
    width = Math.min(init.segments, len) - 1;
    checkFits(what, dtype, 0, width);
  } else {
    kind = INIT_KIND.bits; a = init.bits;
    // As sample.ts: bool 1 bit, i64 32 bits (a lane's worth), else the dtype's width.
    width = dtype === "bool" ? 1 : dtype === "i64" ? 32 : dtypeBytes(dtype) * 8;
    if (dtype === "i32" || dtype === "i8" || dtype === "i64") flags |= SAMPLE_FLAG.signed;
    if (init.bits === 0.5 && width > 1) flags |= SAMPLE_FLAG.fairBits;
  }
  return { name: decl.name, dtype, shape, strides, allocElements: allocationElements(shape, strides), total, kind, a, b, width, flags, seed: streamSeed(seed, decl.name) };
}

/** The layout part of a spec, for a scan of a tensor already on the device (the init fields unused). */
export function auxLayoutSpec(a: { name: string; dtype: DTypeName; shape: number[]; strides: number[]; allocElements: number }): SampleSpec {
  return {
    name: a.name, dtype: a.dtype, shape: a.shape, strides: a.strides, allocElements: a.allocElements, total: a.shape.reduce((p, e) => p * e, 1),
    kind: INIT_KIND.range, a: 0, b: 0, width: 0, flags: isRowMajor(a.shape, a.strides) ? SAMPLE_FLAG.rowMajor : 0, seed: 0,
  };
}

/** Q, K or V: n standard normals of createRng(seed), zeros replaced by 1e-3, as data.ts's randomHalf. */
export function halfSampleSpec(name: string, n: number, seed: number, dtype: "bf16" | "f16"): SampleSpec {
  return {
    name, dtype, shape: [n], strides: [1], allocElements: n, total: n, kind: INIT_KIND.normal, a: 0, b: 1, width: 0,
    flags: SAMPLE_FLAG.rowMajor | SAMPLE_FLAG.nonzero, seed: seed >>> 0,
  };
}

// The integer dtypes' ranges, as dtypes.ts storeValue enforces them on the CPU.
function checkFits(what: string, dtype: DTypeName, lo: number, hi: number): void {
  if (isFloatDType(dtype) || dtype === "bool") return;
  const [min, max] = intRange(dtype as IntDTypeName);
  if (lo < min || hi > max) throw new DslError(`${what}: sample values up to ${hi} cannot be stored as ${dtype} (integers in [${min}, ${max}])`);
}

/** SmSampleParams for a fill or scan: the spec plus device pointers (a scan puts lo/hi in a/b). */
export function packSampleParams(s: SampleSpec, ptrs: { out: bigint; scratch?: bigint; flagsBuf?: bigint }, override?: { a: number; b: number }): Uint8Array {
  const buf = new Uint8Array(SAMPLE_PARAMS_SIZE);
  const v = new DataView(buf.buffer);
  const O = SAMPLE_OFFSETS;
  v.setBigUint64(O.out, ptrs.out, true);
  v.setBigUint64(O.scratch, ptrs.scratch ?? 0n, true);
  v.setBigUint64(O.flagsBuf, ptrs.flagsBuf ?? 0n, true);
  v.setBigInt64(O.total, BigInt(s.total), true);
  s.shape.forEach((n, i) => v.setBigInt64(O.shape + 8 * i, BigInt(n), true));
  s.strides.forEach((n, i) => v.setBigInt64(O.strides + 8 * i, BigInt(n), true));
  v.setFloat64(O.a, override?.a ?? s.a, true);
  v.setFloat64(O.b, override?.b ?? s.b, true);
  v.setUint32(O.seed, s.seed >>> 0, true);
  v.setInt32(O.rank, s.shape.length, true);
  v.setInt32(O.kind, s.kind, true);
  v.setInt32(O.dtype, STORAGE[s.dtype], true);
  v.setInt32(O.width, s.width, true);
  v.setInt32(O.flags, s.flags, true);
  return buf;
}

/** Device scratch a segments fill needs: the int32 pools and the cut flags, per row. */
export function segmentScratch(s: SampleSpec): { poolBytes: number; flagBytes: number; rows: number } {
  if (s.kind !== INIT_KIND.segments) return { poolBytes: 0, flagBytes: 0, rows: 0 };
  const len = s.shape[s.shape.length - 1] ?? 1;
  const rows = s.total / len;
  return { poolBytes: rows * Math.max(1, len - 1) * 4, flagBytes: rows * len, rows };
}
