// Host-side input data: the shape of an aux tensor read from the user's file (auxFile.ts), and
// Q/K/V on the CPU for the float64 JS reference. The runner makes the device's inputs on the GPU
// (inputs.ts, gpuSample.ts), with the same bits as these.
import { bf16Bits, bf16FromBits, f16Bits, f16FromBits } from "scoremod/dtypes";
import { createRng, type SampleTensor } from "scoremod/sample";

/** Tensors up to this many elements get float64 values on the host for the JS reference. */
export const SAMPLE_VALUES_LIMIT = 1 << 24;

export interface AuxData {
  name: string;
  dtype: SampleTensor["dtype"];
  shape: number[];
  strides: number[];
  allocElements: number;
  bytes: Uint8Array;
  /** The values as the JS reference reads them; null for tensors past SAMPLE_VALUES_LIMIT. */
  sample: SampleTensor | null;
}

/** 16-bit float (bf16 or f16) standard normals, seeded. values: the rounded numbers (for the JS reference). */
export function randomHalf(n: number, seed: number, dtype: "bf16" | "f16", keepValues: boolean): { bytes: Uint8Array; values: Float64Array | null } {
  const [toBits, fromBits] = dtype === "bf16" ? [bf16Bits, bf16FromBits] : [f16Bits, f16FromBits];
  const rng = createRng(seed);
  const bytes = new Uint8Array(n * 2);
  const u16 = new Uint16Array(bytes.buffer);
  const values = keepValues ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    let x = rng.normal();
    if (x === 0) x = 1e-3;  // never zeros
    const b = toBits(x);
    u16[i] = b;
    if (values) values[i] = fromBits(b);
  }
  return { bytes, values };
}
