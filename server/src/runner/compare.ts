// Output checks: error against a reference within bf16 tolerance, NaN anywhere failing. On the
// host for the float64 JS reference; the device-side checks (gpuCompare.ts: bitwise equality of
// two builds, error against the fp32 reference kernel) share these definitions and messages.
import type { CheckResult } from "./types";

/** bf16/f16 output tensors decoded to numbers. */
export function decode16(bytes: Uint8Array, dtype: "bf16" | "f16"): Float32Array {
  const n = bytes.length >> 1;
  const out = new Float32Array(n);
  const u16 = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
  if (dtype === "bf16") {
    const u32 = new Uint32Array(out.buffer);
    for (let i = 0; i < n; i++) u32[i] = u16[i]! << 16;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = halfToFloat(u16[i]!);
  return out;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Differences beyond this fail: bf16 keeps 8 bits of mantissa and P is rounded to bf16 before P·V. */
export const BF16_TOLERANCE = { abs: 2e-2, rel: 1.5e-2 };

/** The 16-bit pattern outputs are poisoned with before each run (NaN in bf16 and f16). */
export const POISON16 = 0xffff;

/** Max abs / max rel (vs max |ref|) / relative L2 error of `out` against `ref`. */
export function errorCheck(name: CheckResult["name"], out: ArrayLike<number>, ref: ArrayLike<number>, what: string,
  tol = BF16_TOLERANCE): CheckResult {
  if (out.length !== ref.length) return { name, ok: false, detail: `${what}: ${out.length} outputs vs ${ref.length} reference values` };
  let maxAbs = 0, maxRef = 0, num = 0, den = 0, nan = 0, firstNan = -1, worst = 0;
  for (let i = 0; i < out.length; i++) {
    const o = out[i]!, r = ref[i]!;
    if (Number.isNaN(o) || !Number.isFinite(o)) { if (firstNan < 0) firstNan = i; nan++; continue; }
    const d = Math.abs(o - r);
    if (d > maxAbs) { maxAbs = d; worst = i; }
    maxRef = Math.max(maxRef, Math.abs(r));
    num += d * d;
    den += r * r;
  }
  const relL2 = den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
  const maxRel = maxRef > 0 ? maxAbs / maxRef : maxAbs;
  const ok = nan === 0 && maxAbs <= tol.abs && relL2 <= tol.rel;
  const detail = nan
    ? `${what}: ${nan} outputs are NaN/Inf (first at element ${firstNan}); unwritten (poisoned) or overflowed`
    : `${what}: max abs err ${maxAbs.toExponential(2)} at element ${worst} (out ${out[worst]}, ref ${ref[worst]}), rel L2 ${relL2.toExponential(2)}; tolerance abs ${tol.abs}, rel L2 ${tol.rel}`;
  return { name, ok, maxAbsErr: maxAbs, maxRelErr: maxRel, relL2, tolerance: tol, detail };
}
