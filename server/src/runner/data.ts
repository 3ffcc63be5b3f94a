// Input data for a run: Q, K, V (random bf16, never zeros) and the aux tensors with their
// declared shapes, layouts and sample data (runtime/src/sample.ts). Tensors too large to sample
// element by element in JS (a full [B, H, Q, KV] bias at S = 8192 is 1G elements) are filled by
// tiling a sampled block; only float tensors with a normal/uniform init may be (ids and masks
// need their real structure), and only problems too large for the JS reference are.
import type { Tensor } from "scoremod";
import { DslError } from "scoremod/dsl";
import { bf16Bits, bf16FromBits, encodeValues, f16Bits, f16FromBits } from "scoremod/dtypes";
import { allocationElements, resolveShape, resolveStrides, type DimValues } from "scoremod/layout";
import { createRng, sampleTensor, type SampleTensor } from "scoremod/sample";

export const TILE_THRESHOLD = 1 << 24;

export interface AuxData {
  name: string;
  dtype: SampleTensor["dtype"];
  shape: number[];
  strides: number[];
  allocElements: number;
  bytes: Uint8Array;
  /** The full sample (for the JS reference); null when tiled. */
  sample: SampleTensor | null;
}

export function auxData(decl: Tensor, dims: DimValues, seed: number): AuxData {
  const what = `tensor "${decl.name}"`;
  const shape = resolveShape(decl.shape, dims, what);
  const strides = resolveStrides(decl.shape, decl.options, dims, what);
  const allocElements = allocationElements(shape, strides);
  if (allocElements <= TILE_THRESHOLD) {
    const s = sampleTensor(decl, dims, seed);
    return { name: decl.name, dtype: s.dtype, shape: [...s.shape], strides: [...s.strides], allocElements: s.allocElements, bytes: s.bytes, sample: s };
  }
  const init = decl.options.init ?? { normal: { mean: 0, std: 1 } };
  if (decl.dtype.kind !== "float" || !("normal" in init || "uniform" in init)) {
    throw new DslError(`${what}: ${allocElements} elements is too large to sample, and only float tensors with a normal/uniform init can be tiled`);
  }
  const rng = createRng(seed ^ 0x5eed);
  const block = new Float64Array(1 << 20);
  for (let i = 0; i < block.length; i++) {
    block[i] = "normal" in init ? (init.normal.mean ?? 0) + (init.normal.std ?? 1) * rng.normal() : init.uniform[0] + (init.uniform[1] - init.uniform[0]) * rng.next();
  }
  const blockBytes = encodeValues(decl.dtype.name, block);
  const bytes = Buffer.allocUnsafe(allocElements * decl.dtype.bytes);
  // Tile with an odd element shift per copy so rows do not repeat in lockstep.
  let off = 0, shift = 0;
  while (off < bytes.length) {
    const start = (shift * decl.dtype.bytes) % blockBytes.length;
    const n = Math.min(blockBytes.length - start, bytes.length - off);
    bytes.set(blockBytes.subarray(start, start + n), off);
    off += n;
    shift = (shift + 7919) % block.length;
  }
  return { name: decl.name, dtype: decl.dtype.name, shape, strides, allocElements, bytes, sample: null };
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

/** Another input set from the same data: rotated by a whole number of rows (still random, not in L2). */
export function rotated(bytes: Uint8Array, rowBytes: number, rows: number): Uint8Array {
  const shift = (rows * rowBytes) % bytes.length;
  const out = new Uint8Array(bytes.length);
  out.set(bytes.subarray(shift), 0);
  out.set(bytes.subarray(0, shift), bytes.length - shift);
  return out;
}
