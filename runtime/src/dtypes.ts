// Element types: sizes, rounding a float64 to what the type stores, and the raw little-endian
// encoding the GPU sees. The reference semantics round every aux value "as stored", so the
// JS reference and the kernel read the same numbers.
import type { DTypeName } from "../index";
import { DTYPE_NAMES, DTYPE_SPECS } from "./vocabulary";

/** Bytes per element in device memory (bool is stored as one byte, 0 or 1): the vocabulary's. */
export const DTYPE_BYTES: Readonly<Record<DTypeName, number>> =
  Object.fromEntries(DTYPE_NAMES.map((n) => [n, DTYPE_SPECS[n].bytes])) as Record<DTypeName, number>;

export function dtypeBytes(name: DTypeName): number {
  return DTYPE_BYTES[name];
}

export function isFloatDType(name: DTypeName): boolean {
  return DTYPE_SPECS[name].lane === "float";
}

export function isIntDType(name: DTypeName): boolean {
  return DTYPE_SPECS[name].lane === "int";
}

/** Inclusive integer range an integer dtype can hold. */
export function intRange(name: IntDTypeName): readonly [number, number] {
  switch (name) {
    case "i32": return [-2147483648, 2147483647];
    case "u32": return [0, 4294967295];
    case "u8": return [0, 255];
    // i64 as JS numbers: the exactly representable integers (sample data and tables stay far inside).
    case "i64": return [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    case "u16": return [0, 65535];
    case "i8": return [-128, 127];
  }
}

/** The integer dtypes. */
export type IntDTypeName = "i32" | "u32" | "u8" | "i64" | "u16" | "i8";

/**
 * The lane value an element of `dtype` gives a mod: the DSL's ints are 32-bit, so an i64 lane is
 * its value saturated to int32 (as the CUDA's sm_sat_i32: an out-of-range index never wraps onto
 * a valid one); every other dtype's stored value.
 */
export function laneValue(dtype: DTypeName, stored: number): number {
  return dtype === "i64" ? Math.min(Math.max(stored, -2147483648), 2147483647) : stored;
}

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);
const f64buf = new Float64Array(1);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const u32of64 = new Uint32Array(f64buf.buffer);
const HI = LITTLE_ENDIAN ? 1 : 0; // index of the high word of a float64

function roundHalfEven(y: number): number {
  const f = Math.floor(y);
  const d = y - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Unbiased binary exponent of a finite non-zero float64 (floor(log2|x|)), exact. */
function exponentOf(x: number): number {
  f64buf[0] = x;
  const biased = (u32of64[HI]! >>> 20) & 0x7ff;
  if (biased !== 0) return biased - 1023;
  // float64 subnormal: far below any 16-bit format's range, only the order of magnitude matters.
  return Math.floor(Math.log2(Math.abs(x)));
}

/**
 * Round a float64 directly (single rounding, round-to-nearest-even) to a binary format with
 * `mant` explicit mantissa bits and normal exponents in [emin, emax]; overflow gives ±Infinity.
 */
export function roundToFormat(x: number, mant: number, emin: number, emax: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  const e = Math.max(exponentOf(a), emin);
  const ulp = 2 ** (e - mant);
  const r = roundHalfEven(a / ulp) * ulp;
  const maxFinite = (2 - 2 ** -mant) * 2 ** emax;
  const out = r > maxFinite ? Infinity : r;
  return x < 0 ? -out : out;
}

/** float64 -> nearest bfloat16 (RNE) -> float64. */
export function roundBf16(x: number): number {
  return Number.isNaN(x) ? x : bf16FromBits(bf16Bits(x));
}

/** float64 -> nearest IEEE half (RNE) -> float64. */
export function roundF16(x: number): number {
  return roundToFormat(x, 10, -14, 15);
}

/**
 * bfloat16 bits of a float64, rounded once to nearest-even. NaN becomes the quiet NaN 0x7fc0.
 * Fast path (this runs per element of large sample tensors): float64 -> float32 with
 * round-to-odd, then RNE on the float32 bits. Round-to-odd to a format with at least two more
 * mantissa bits makes the second rounding exact (no double-rounding error).
 */
export function bf16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7fc0;
  f32buf[0] = x;
  let bits = u32buf[0]!;
  const back = f32buf[0]!;
  // Inexact with an even last bit: step one ulp toward x (sign-magnitude bits, so +1 grows |.|).
  if (back !== x && (bits & 1) === 0) bits += Math.abs(back) > Math.abs(x) ? -1 : 1;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

export function bf16FromBits(bits: number): number {
  u32buf[0] = (bits & 0xffff) << 16;
  return f32buf[0]!;
}

/** IEEE half bits of a float64 (rounded RNE first). NaN becomes 0x7e00. */
export function f16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const r = roundF16(x);
  const sign = r < 0 || Object.is(r, -0) ? 0x8000 : 0;
  const a = Math.abs(r);
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  if (a < 2 ** -14) return sign | (a / 2 ** -24); // subnormal: exact multiple of 2^-24
  const e = exponentOf(a);
  return sign | ((e + 15) << 10) | (a / 2 ** (e - 10) - 1024);
}

export function f16FromBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >>> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m === 0 ? sign * Infinity : NaN;
  return sign * (1024 + m) * 2 ** (e - 25);
}

/**
 * The value an element of `dtype` holds after storing `x`: floats are rounded (RNE), integers
 * must already be exact and in range (a RangeError names the dtype otherwise), bool is 0/1.
 */
export function storeValue(dtype: DTypeName, x: number): number {
  switch (dtype) {
    case "bf16": return roundBf16(x);
    case "f16": return roundF16(x);
    case "f32": return Math.fround(x);
    case "bool": return x ? 1 : 0;
    case "i32": case "u32": case "u8": case "i64": case "u16": case "i8": {
      const [lo, hi] = intRange(dtype);
      if (!Number.isInteger(x) || x < lo || x > hi) {
        throw new RangeError(`value ${x} cannot be stored as ${dtype} (integers in [${lo}, ${hi}])`);
      }
      return x;
    }
  }
}

/** Raw little-endian bytes of `values` stored as `dtype` (each value is rounded/checked first). */
export function encodeValues(dtype: DTypeName, values: ArrayLike<number>): Uint8Array {
  const n = values.length;
  const bytes = new Uint8Array(n * DTYPE_BYTES[dtype]);
  if (dtype === "bf16" && LITTLE_ENDIAN) {
    // Hot path for large sample tensors: write the halves directly.
    const u16 = new Uint16Array(bytes.buffer);
    for (let i = 0; i < n; i++) u16[i] = bf16Bits(values[i]!);
    return bytes;
  }
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    switch (dtype) {
      case "bf16": view.setUint16(2 * i, bf16Bits(v), true); break;
      case "f16": view.setUint16(2 * i, f16Bits(v), true); break;
      case "f32": view.setFloat32(4 * i, v, true); break;
      case "i32": view.setInt32(4 * i, storeValue(dtype, v), true); break;
      case "u32": view.setUint32(4 * i, storeValue(dtype, v), true); break;
      case "u8": bytes[i] = storeValue(dtype, v); break;
      case "i64": view.setBigInt64(8 * i, BigInt(storeValue(dtype, v)), true); break;
      case "u16": view.setUint16(2 * i, storeValue(dtype, v), true); break;
      case "i8": view.setInt8(i, storeValue(dtype, v)); break;
      case "bool": bytes[i] = v ? 1 : 0; break;
    }
  }
  return bytes;
}

/** Inverse of encodeValues: the stored values as float64. */
export function decodeBytes(dtype: DTypeName, bytes: Uint8Array): Float64Array {
  const size = DTYPE_BYTES[dtype];
  if (bytes.length % size !== 0) {
    throw new RangeError(`${bytes.length} bytes is not a whole number of ${dtype} elements`);
  }
  const n = bytes.length / size;
  const out = new Float64Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case "bf16": out[i] = bf16FromBits(view.getUint16(2 * i, true)); break;
      case "f16": out[i] = f16FromBits(view.getUint16(2 * i, true)); break;
      case "f32": out[i] = view.getFloat32(4 * i, true); break;
      case "i32": out[i] = view.getInt32(4 * i, true); break;
      case "u32": out[i] = view.getUint32(4 * i, true); break;
      case "u8": case "bool": out[i] = bytes[i]!; break;
      case "i64": out[i] = Number(view.getBigInt64(8 * i, true)); break;
      case "u16": out[i] = view.getUint16(2 * i, true); break;
      case "i8": out[i] = view.getInt8(i); break;
    }
  }
  return out;
}
