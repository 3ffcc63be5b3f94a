// The math of the sample data, written so JS, CUDA (csrc/kernels/sample_fill.cuh) and the
// Python twin (server/src/codegen/pySample.ts) compute the same bits: only IEEE-754 double
// +, -, *, / and sqrt, which are exactly rounded on every one of them (the CUDA side forbids
// fused multiply-adds), evaluated in the same order with the same constants. Math.log and
// Math.cos are not specified to the last bit and differ between V8, CUDA and libm, so the GPU
// generator could not reproduce a sampler built on them.

const LN2 = 0.6931471805599453;
const HALF_PI = 1.5707963267948966;
/** 1/3, 1/5, ..., 1/23: ln m = 2s(1 + s²/3 + s⁴/5 + ...), s = (m-1)/(m+1). */
export const LOG_COEFFS = [
  0.3333333333333333, 0.2, 0.14285714285714285, 0.1111111111111111, 0.09090909090909091, 0.07692307692307693,
  0.06666666666666667, 0.058823529411764705, 0.05263157894736842, 0.047619047619047616, 0.043478260869565216,
] as const;
/** -1/3!, 1/5!, ..., 1/17!: sin x on |x| <= pi/4. */
export const SIN_COEFFS = [
  -0.16666666666666666, 0.008333333333333333, -0.0001984126984126984, 2.7557319223985893e-06,
  -2.505210838544172e-08, 1.6059043836821613e-10, -7.647163731819816e-13, 2.8114572543455206e-15,
] as const;
/** -1/2!, 1/4!, ..., 1/16!: cos x on |x| <= pi/4. */
export const COS_COEFFS = [
  -0.5, 0.041666666666666664, -0.001388888888888889, 2.48015873015873e-05,
  -2.755731922398589e-07, 2.08767569878681e-09, -1.1470745597729725e-11, 4.779477332387385e-14,
] as const;

const SIN_TAIL = SIN_COEFFS.slice(1);

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Horner's rule from the highest coefficient down: c0 + z(c1 + z(c2 + ...)), with c0 = `lead`. */
function horner(lead: number, cs: readonly number[], z: number): number {
  let p = cs[cs.length - 1]!;
  for (let i = cs.length - 2; i >= 0; i--) p = cs[i]! + z * p;
  return lead + z * p;
}

/** ln x for a positive normal double (the sampler's 1 - u, u = k / 2^32, lies in [2^-32, 1]). */
export function sampleLog(x: number): number {
  // x = m * 2^k with m in [sqrt(1/2), sqrt(2)): read the exponent bits, rescale exactly.
  f64[0] = x;
  const hi = u32[1]!;
  let k = ((hi >>> 20) & 0x7ff) - 1023;
  u32[1] = (hi & 0x800fffff) | (1023 << 20);
  let m = f64[0]!;
  if (m > 1.4142135623730951) { m = m * 0.5; k = k + 1; }
  const s = (m - 1) / (m + 1);
  const p = horner(1, LOG_COEFFS, s * s);
  return k * LN2 + (2 * s) * p;
}

/** [cos, sin] of 2·pi·t for t in [0, 1) (a uniform draw): quadrant from t, a polynomial on |x| <= pi/4. */
export function sampleSinCos2Pi(t: number): [number, number] {
  const t4 = t * 4;                  // exact: a power of two
  const q = Math.floor(t4 + 0.5);    // exact: t4 is a multiple of 2^-30
  const x = (t4 - q) * HALF_PI;      // t4 - q exact (Sterbenz), one rounding here
  const z = x * x;
  const s = x + x * (z * horner(SIN_COEFFS[0], SIN_TAIL, z));
  const c = horner(1, COS_COEFFS, z);
  switch (q & 3) {
    case 0: return [c, s];
    case 1: return [-s, c];
    case 2: return [-c, -s];
    default: return [s, -c];
  }
}
