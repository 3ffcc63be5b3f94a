// The GPU sample generator (csrc/kernels/sample_fill.cuh) driven from the worker: it fills a
// device allocation as sampleSpec.ts describes it and scans integer tensors for their value
// range. Launches are synchronous (native.launch), so a fill is done when its promise resolves.
import * as native from "scoremod-native";
import { helperModule } from "./helperModule";
import { INIT_KIND, packSampleParams, segmentScratch, type SampleSpec } from "./sampleSpec";
import { RunnerError } from "./types";

/** The kernels' "none" for first-index reports (LLONG_MAX). */
export const INT64_MAX = (1n << 63n) - 1n;

/** What a range scan found: extremes and the first logical element outside [lo, hi) (null: none). */
export interface RangeReport { lo: bigint; hi: bigint; firstBad: number | null; badValue: bigint }

export class GpuSampler {
  private constructor(private readonly module: number) {}

  static async open(arch: string, dir: string): Promise<GpuSampler> {
    return new GpuSampler(await helperModule(arch, dir));
  }

  /**
   * Fill the allocation at `ptr` (padding elements are left as they are: zero it first). A
   * segments fill needs per-row scratch, allocated here and freed before returning.
   */
  async fill(s: SampleSpec, ptr: bigint): Promise<void> {
    if (s.total === 0) return;
    if (s.kind !== INIT_KIND.segments) {
      const blocks = Math.min(Math.ceil(s.total / 256), 8192);
      await native.launch({ module: this.module, fn: "sm_sample_fill", grid: [blocks, 1, 1], block: [256, 1, 1], args: packSampleParams(s, { out: ptr }) });
      return;
    }
    const { poolBytes, flagBytes, rows } = segmentScratch(s);
    const scratch = allocOrRefuse(poolBytes, `segment scratch of tensor "${s.name}"`);
    let flagsBuf = 0n;
    try {
      flagsBuf = allocOrRefuse(flagBytes, `segment scratch of tensor "${s.name}"`);
      native.memset(flagsBuf, 0, flagBytes);
      await native.launch({
        module: this.module, fn: "sm_sample_segments", grid: [Math.ceil(rows / 128), 1, 1], block: [128, 1, 1],
        args: packSampleParams(s, { out: ptr, scratch, flagsBuf }),
      });
    } finally {
      native.free(scratch);
      if (flagsBuf) native.free(flagsBuf);
    }
  }

  /** The logical elements of an integer tensor at `ptr`: extremes, and the first outside [lo, hi). */
  async scan(s: SampleSpec, ptr: bigint, lo: number, hi: number): Promise<RangeReport> {
    const rep = allocOrRefuse(32, "range scan report");
    try {
      const init = new DataView(new ArrayBuffer(32));
      init.setBigInt64(0, INT64_MAX, true);
      init.setBigInt64(8, -INT64_MAX - 1n, true);
      init.setBigInt64(16, INT64_MAX, true);
      init.setBigInt64(24, 0n, true);
      native.upload(rep, new Uint8Array(init.buffer));
      const args = packSampleParams(s, { out: ptr, scratch: rep }, { a: lo, b: hi });
      const blocks = Math.max(1, Math.min(Math.ceil(s.total / 256), 2048));
      await native.launch({ module: this.module, fn: "sm_sample_scan", grid: [blocks, 1, 1], block: [256, 1, 1], args });
      await native.launch({ module: this.module, fn: "sm_sample_bad_value", grid: [1, 1, 1], block: [1, 1, 1], args });
      const v = new DataView(native.download(rep, 32).buffer.slice(0));
      const firstBad = v.getBigInt64(16, true);
      return { lo: v.getBigInt64(0, true), hi: v.getBigInt64(8, true), firstBad: firstBad === INT64_MAX ? null : Number(firstBad), badValue: v.getBigInt64(24, true) };
    } finally {
      native.free(rep);
    }
  }
}

/** A device allocation, or a refusal that names what did not fit and how much memory is free. */
export function allocOrRefuse(bytes: number, what: string, tensor?: string): bigint {
  try {
    return native.alloc(Math.max(bytes, 16));
  } catch (e) {
    let free = "";
    try {
      const m = native.memInfo();
      free = `; ${gib(m.freeBytes)} of ${gib(m.totalBytes)} free`;
    } catch { /* the message below is enough */ }
    throw new RunnerError({ kind: "refused", tensor, message: `${what}: ${bytes} bytes (${gib(bytes)}) do not fit in device memory${free} (${(e as Error).message})` });
  }
}

function gib(b: number): string {
  return `${(b / 2 ** 30).toFixed(2)} GiB`;
}
