// A run's inputs on the device. Aux tensors come from the user's files (auxFile.ts) or are made
// on the GPU by the sample generator (gpuSample.ts), whatever their size; Q/K/V are made there
// too. Where the float64 JS reference runs (small problems), the CPU sampler makes the same data
// for it, and the GPU's bytes are checked against the CPU's, bit for bit, before anything else.
import * as native from "scoremod-native";
import type { Tensor } from "scoremod";
import { dtypeBytes } from "scoremod/dtypes";
import { sampleTensor, type SampleTensor } from "scoremod/sample";
import type { DimValues } from "scoremod/layout";
import { userAuxData } from "./auxFile";
import type { Buffers } from "./buffers";
import { randomHalf } from "./data";
import type { GpuSampler } from "./gpuSample";
import { auxSampleSpec, halfSampleSpec, type SampleSpec } from "./sampleSpec";
import { RunnerError, type CheckResult } from "./types";

export interface DeviceAux {
  name: string;
  dtype: Tensor["dtype"]["name"];
  shape: number[];
  /** In elements. */
  strides: number[];
  allocElements: number;
  elemBytes: number;
  ptr: bigint;
  /** The user's file (`path` or `path:key`), or "generated". */
  source: string;
  /** What the generator was asked for (generated tensors only). */
  spec?: SampleSpec;
  /** The CPU sampler's (or the file's) values, for the JS reference; null when not asked for. */
  sample: SampleTensor | null;
}

/** Bytes compared between the GPU generator and the CPU sampler, for the "sample-data" check. */
export interface Twin { what: string; ptr: bigint; cpu: Uint8Array }

export async function placeAux(o: {
  decl: Tensor; dims: DimValues; seed: number; file?: string; misalign: number; wantSample: boolean;
  sampler: GpuSampler; bufs: Buffers; twins: Twin[];
}): Promise<DeviceAux> {
  const { decl } = o;
  if (o.file !== undefined) {
    let u;
    try {
      u = userAuxData(decl, o.dims, o.file);
    } catch (e) {
      throw new RunnerError({ kind: "refused", tensor: decl.name, message: `tensor "${decl.name}": ${(e as Error).message}` });
    }
    const raw = o.bufs.alloc(u.bytes.length, o.misalign, `tensor "${decl.name}" (from ${u.source})`, decl.name);
    const ptr = raw + BigInt(o.misalign);
    native.upload(ptr, u.bytes);
    return { name: decl.name, dtype: u.dtype, shape: u.shape, strides: u.strides, allocElements: u.allocElements, elemBytes: dtypeBytes(u.dtype), ptr, source: u.source, sample: o.wantSample ? u.sample : null };
  }
  const spec = auxSampleSpec(decl, o.dims, o.seed);
  const elemBytes = dtypeBytes(decl.dtype.name);
  const bytes = spec.allocElements * elemBytes;
  const raw = o.bufs.alloc(bytes, o.misalign, `tensor "${decl.name}"`, decl.name);
  const ptr = raw + BigInt(o.misalign);
  native.memset(ptr, 0, bytes);  // padding elements read as 0, as the CPU sampler leaves them
  await o.sampler.fill(spec, ptr);
  let sample: SampleTensor | null = null;
  if (o.wantSample) {
    sample = sampleTensor(decl, o.dims, o.seed);
    o.twins.push({ what: `tensor "${decl.name}"`, ptr, cpu: sample.bytes });
  }
  return { name: decl.name, dtype: decl.dtype.name, shape: spec.shape, strides: spec.strides, allocElements: spec.allocElements, elemBytes, ptr, source: "generated", spec, sample };
}

/** n standard normals (Q, K or V) at `ptr`; with `values`, the CPU's twin for the JS reference. */
export async function placeHalf(o: {
  name: string; n: number; seed: number; dtype: "bf16" | "f16"; ptr: bigint; values: boolean; sampler: GpuSampler; twins: Twin[];
}): Promise<Float64Array | null> {
  await o.sampler.fill(halfSampleSpec(o.name, o.n, o.seed, o.dtype), o.ptr);
  if (!o.values) return null;
  const cpu = randomHalf(o.n, o.seed, o.dtype, true);
  o.twins.push({ what: o.name, ptr: o.ptr, cpu: cpu.bytes });
  return cpu.values;
}

/** The GPU generator's bytes against the CPU sampler's, for every input both made. */
export function sampleDataCheck(twins: readonly Twin[]): CheckResult {
  for (const t of twins) {
    const gpu = native.download(t.ptr, t.cpu.length);
    const i = gpu.findIndex((b, k) => b !== t.cpu[k]);
    if (i >= 0) {
      return { name: "sample-data", ok: false, detail: `${t.what}: the GPU generator and the CPU sampler differ at byte ${i} (0x${gpu[i]!.toString(16)} vs 0x${t.cpu[i]!.toString(16)}); the JS reference would not see the kernel's inputs` };
    }
  }
  const bytes = twins.reduce((s, t) => s + t.cpu.length, 0);
  return { name: "sample-data", ok: true, detail: `GPU-generated inputs equal the CPU sampler's bit for bit (${twins.map((t) => t.what).join(", ")}; ${bytes} bytes)` };
}
