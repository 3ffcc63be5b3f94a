// The output checks of compare.ts computed on the GPU (csrc/kernels/output_compare.cuh), so a
// check at S = 8192 downloads a few kilobytes instead of two 32 MiB outputs decoded in JS. The
// verdicts and messages are compare.ts's; only where the numbers are computed differs.
import * as native from "scoremod-native";
import { bf16FromBits, f16FromBits } from "scoremod/dtypes";
import { BF16_TOLERANCE, POISON16 } from "./compare";
import { helperModule } from "./helperModule";
import { allocOrRefuse, INT64_MAX } from "./gpuSample";
import type { CheckResult } from "./types";

const PARAMS_SIZE = 40, ERR_STATS_SIZE = 64, BLOCKS = 1024, THREADS = 256;

function params(a: bigint, b: bigint, stats: bigint, n: number, isF16: boolean): Uint8Array {
  const v = new DataView(new ArrayBuffer(PARAMS_SIZE));
  v.setBigUint64(0, a, true);
  v.setBigUint64(8, b, true);
  v.setBigUint64(16, stats, true);
  v.setBigInt64(24, BigInt(n), true);
  v.setInt32(32, isF16 ? 1 : 0, true);
  v.setInt32(36, POISON16, true);
  return new Uint8Array(v.buffer);
}

function u16At(ptr: bigint, i: number): number {
  return native.download(ptr + BigInt(2 * i), 2).readUInt16LE(0);
}

export class GpuCompare {
  private constructor(private readonly module: number) {}

  static async open(arch: string, dir: string): Promise<GpuCompare> {
    return new GpuCompare(await helperModule(arch, dir));
  }

  /** compare.ts bitwiseCheck on two n-element 16-bit outputs on the device. */
  async bitwise(a: bigint, b: bigint, n: number, what: string): Promise<CheckResult> {
    const stats = allocOrRefuse(32, "bitwise check stats");
    try {
      const init = new DataView(new ArrayBuffer(32));
      init.setBigInt64(16, INT64_MAX, true);
      init.setBigInt64(24, INT64_MAX, true);
      native.upload(stats, new Uint8Array(init.buffer));
      await native.launch({ module: this.module, fn: "sm_compare_bitwise", grid: [BLOCKS, 1, 1], block: [THREADS, 1, 1], args: params(a, b, stats, n, false) });
      const s = new DataView(native.download(stats, 32).buffer.slice(0));
      const differ = Number(s.getBigUint64(0, true)), poisoned = Number(s.getBigUint64(8, true));
      const first = Number(s.getBigInt64(16, true)), firstPoisoned = Number(s.getBigInt64(24, true));
      if (poisoned) return { name: "vec-vs-scalar", ok: false, detail: `${what}: ${poisoned} of ${n} outputs still hold the poison 0x${POISON16.toString(16)} (unwritten); first at element ${firstPoisoned}` };
      return differ === 0
        ? { name: "vec-vs-scalar", ok: true, detail: `${what}: ${n} outputs bitwise equal` }
        : { name: "vec-vs-scalar", ok: false, detail: `${what}: ${differ} of ${n} outputs differ; first at element ${first} (0x${u16At(a, first).toString(16)} vs 0x${u16At(b, first).toString(16)})` };
    } finally {
      native.free(stats);
    }
  }

  /** compare.ts errorCheck of a 16-bit output against an fp32 reference, both on the device. */
  async error(name: CheckResult["name"], out: bigint, ref: bigint, n: number, dtype: "bf16" | "f16", what: string, tol = BF16_TOLERANCE): Promise<CheckResult> {
    const stats = allocOrRefuse(BLOCKS * ERR_STATS_SIZE, "error check stats");
    try {
      await native.launch({ module: this.module, fn: "sm_compare_error", grid: [BLOCKS, 1, 1], block: [THREADS, 1, 1], args: params(out, ref, stats, n, dtype === "f16") });
      const s = new DataView(native.download(stats, BLOCKS * ERR_STATS_SIZE).buffer.slice(0));
      let maxAbs = 0, maxRef = 0, num = 0, den = 0, worst = Infinity, nan = 0, firstNan = Infinity;
      // Blocks in a fixed order: the same sums on every run.
      for (let b = 0; b < BLOCKS; b++) {
        const o = b * ERR_STATS_SIZE;
        const m = s.getFloat64(o, true), w = Number(s.getBigInt64(o + 32, true));
        if (m > maxAbs || (m === maxAbs && m > 0 && w < worst)) { maxAbs = m; worst = w; }
        maxRef = Math.max(maxRef, s.getFloat64(o + 8, true));
        num += s.getFloat64(o + 16, true);
        den += s.getFloat64(o + 24, true);
        nan += Number(s.getBigInt64(o + 40, true));
        firstNan = Math.min(firstNan, Number(s.getBigInt64(o + 48, true)));
      }
      if (!(maxAbs > 0)) worst = 0;
      const relL2 = den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
      const maxRel = maxRef > 0 ? maxAbs / maxRef : maxAbs;
      const ok = nan === 0 && maxAbs <= tol.abs && relL2 <= tol.rel;
      let detail: string;
      if (nan) {
        detail = `${what}: ${nan} outputs are NaN/Inf (first at element ${firstNan}); unwritten (poisoned) or overflowed`;
      } else {
        const o16 = u16At(out, worst);
        const oVal = dtype === "bf16" ? bf16FromBits(o16) : f16FromBits(o16);
        const rVal = native.download(ref + BigInt(4 * worst), 4).readFloatLE(0);
        detail = `${what}: max abs err ${maxAbs.toExponential(2)} at element ${worst} (out ${oVal}, ref ${rVal}), rel L2 ${relL2.toExponential(2)}; tolerance abs ${tol.abs}, rel L2 ${tol.rel}`;
      }
      return { name, ok, maxAbsErr: maxAbs, maxRelErr: maxRel, relL2, tolerance: tol, detail };
    } finally {
      native.free(stats);
    }
  }
}
