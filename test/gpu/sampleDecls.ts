// Declarations covering every init kind, dtype and layout of the sample generator: the CPU
// harness test (test/unit/runner/sampleFill.test.ts) and the GPU suite fill them and compare
// with the CPU sampler byte for byte.
import { bf16, bool, f16, f32, i32, i64, i8, tensor, u16, u32, u8, type Tensor } from "scoremod";

export const SAMPLE_DIMS = { B: 2, H: 3, Q: 40, KV: 56 };
export const SAMPLE_DECLS: Tensor[] = [
  tensor("bias", bf16, ["B", "H", "Q", "KV"]),
  tensor("padded", f16, ["H", "KV"], { strides: ["KV + 8", 1], init: { normal: { mean: 0.5, std: 3 } } }),
  tensor("colMajor", f32, ["Q", "KV"], { strides: [1, "Q"], init: { uniform: [-2, 5] } }),
  tensor("big16", f16, ["KV"], { init: { normal: { std: 1e5 } } }),
  tensor("tiny", bf16, ["KV"], { init: { normal: { std: 1e-39 } } }),
  tensor("tiny16", f16, ["KV"], { init: { normal: { std: 1e-6 } } }),
  tensor("ids", i32, ["B", "KV"], { init: { range: [-7, 300] } }),
  tensor("small", u8, ["Q", "KV"], { init: { range: [3, 200] } }),
  tensor("wide", i64, ["KV"], { init: { range: [-5_000_000_000, 9_000_000_000] } }),
  tensor("half", u16, ["Q"], { init: { range: [0, 65536] } }),
  tensor("signed8", i8, ["Q"], { init: { range: [-128, 128] } }),
  tensor("docs", i32, ["B", "KV"], { init: { segments: 5 } }),
  tensor("docs8", u8, ["Q", "KV"], { strides: ["KV + 4", 1], init: { segments: 9 } }),
  tensor("oneDoc", i32, ["B", "KV"], { init: { segments: 1 } }),
  tensor("packed", u32, ["Q", "KV"], { init: { bits: 0.5 } }),
  tensor("packedS", i32, ["Q", "KV"], { init: { bits: 0.5 } }),
  tensor("packed64", i64, ["KV"], { init: { bits: 0.5 } }),
  tensor("sparse", u32, ["KV"], { init: { bits: 0.1 } }),
  tensor("sparse8", i8, ["KV"], { init: { bits: 0.7 } }),
  tensor("keep", bool, ["Q", "KV"]),
  tensor("u16bits", u16, ["KV"], { init: { bits: 0.5 } }),
];
