// The host's packing of SmAttnParams must match the kernel headers byte for byte: nvcc compiles
// a host program over the real headers that prints every offset, and we compare.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ATTN_OFFSETS, ATTN_PARAMS_SIZE, SMPARAMS_OFFSETS, SMPARAMS_SIZE, packAttnParams } from "../../../runtime/src/runner/params";

const kernels = fileURLToPath(new URL("../../../csrc/kernels/", import.meta.url));
function nvcc(): string | null {
  for (const c of [process.env.CUDA_HOME && join(process.env.CUDA_HOME, "bin/nvcc"), "nvcc", "/usr/local/cuda/bin/nvcc"]) {
    if (!c) continue;
    try { execFileSync(c, ["--version"], { stdio: "ignore" }); return c; } catch { /* next */ }
  }
  return null;
}
const NVCC = nvcc();

describe("SmAttnParams packing", () => {
  it.runIf(NVCC)("matches the offsets nvcc computes from attention_abi.cuh", () => {
    const dir = mkdtempSync(join(tmpdir(), "scoremod-abi-"));
    const fields = ["q", "k", "v", "o", "lse", "q_stride_b", "k_stride_b", "v_stride_b", "o_stride_b", "lse_stride_b", "B", "H", "Hkv", "Q", "KV", "D", "softmax_scale", "flags", "mod"];
    const src = `#include <cstdio>\n#include <cstddef>\n#include "attention_abi.cuh"\nint main() {\n` +
      fields.map((f) => `  printf("${f} %zu\\n", offsetof(SmAttnParams, ${f}));`).join("\n") +
      `\n  printf("size %zu\\nsmparams %zu\\naux %zu\\ndims %zu\\nfscalars %zu\\niscalars %zu\\n", sizeof(SmAttnParams), sizeof(SmParams), offsetof(SmParams, aux), offsetof(SmParams, dims), offsetof(SmParams, fscalars), offsetof(SmParams, iscalars));\n  return 0;\n}\n`;
    writeFileSync(join(dir, "abi.cu"), src);
    execFileSync(NVCC!, ["-I", kernels, "-o", join(dir, "abi"), join(dir, "abi.cu")], { stdio: "pipe" });
    const out = execFileSync(join(dir, "abi"), { encoding: "utf8" });
    const got = Object.fromEntries(out.trim().split("\n").map((l) => { const [k, v] = l.split(" "); return [k!, Number(v)]; }));
    for (const f of fields) expect(got[f], f).toBe(ATTN_OFFSETS[f as keyof typeof ATTN_OFFSETS]);
    expect(got.size).toBe(ATTN_PARAMS_SIZE);
    expect(got.smparams).toBe(SMPARAMS_SIZE);
    expect(got.dims).toBe(SMPARAMS_OFFSETS.dims);
    expect(got.fscalars).toBe(SMPARAMS_OFFSETS.fscalars);
    expect(got.iscalars).toBe(SMPARAMS_OFFSETS.iscalars);
  }, 60_000);

  it("writes each field little-endian at its offset", () => {
    const buf = packAttnParams({
      q: 0x1000n, k: 0x2000n, v: 0x3000n, o: 0x4000n, lse: 0n,
      qStrides: [1, 2, 3], kStrides: [4, 5, 6], vStrides: [7, 8, 9], oStrides: [10, 11, 12], lseStrides: [13, 14],
      B: 2, H: 16, Hkv: 4, Q: 100, KV: 200, D: 128, softmaxScale: 0.5, flags: 1,
      mod: { aux: [{ ptr: 0xabcdn, numel: 77 }], dims: [2, 16, 100, 200, 9], fscalars: [30], iscalars: [256] },
    });
    const v = new DataView(buf.buffer);
    expect(v.getBigUint64(ATTN_OFFSETS.k, true)).toBe(0x2000n);
    expect(v.getBigInt64(ATTN_OFFSETS.v_stride_b + 16, true)).toBe(9n);
    expect(v.getBigInt64(ATTN_OFFSETS.lse_stride_b + 8, true)).toBe(14n);
    expect(v.getInt32(ATTN_OFFSETS.KV, true)).toBe(200);
    expect(v.getFloat32(ATTN_OFFSETS.softmax_scale, true)).toBe(0.5);
    expect(v.getBigUint64(ATTN_OFFSETS.mod, true)).toBe(0xabcdn);
    expect(v.getBigInt64(ATTN_OFFSETS.mod + 8, true)).toBe(77n);
    expect(v.getBigInt64(ATTN_OFFSETS.mod + SMPARAMS_OFFSETS.dims + 32, true)).toBe(9n);
    expect(v.getFloat32(ATTN_OFFSETS.mod + SMPARAMS_OFFSETS.fscalars, true)).toBe(30);
    expect(v.getInt32(ATTN_OFFSETS.mod + SMPARAMS_OFFSETS.iscalars, true)).toBe(256);
  });

  it("refuses more aux tensors than the ABI holds", () => {
    const aux = Array.from({ length: 9 }, () => ({ ptr: 0n, numel: 1 }));
    expect(() => packAttnParams({
      q: 0n, k: 0n, v: 0n, o: 0n, lse: 0n, qStrides: [0, 0, 0], kStrides: [0, 0, 0], vStrides: [0, 0, 0], oStrides: [0, 0, 0], lseStrides: [0, 0],
      B: 1, H: 1, Hkv: 1, Q: 1, KV: 1, D: 64, softmaxScale: 1, flags: 0, mod: { aux, dims: [], fscalars: [], iscalars: [] },
    })).toThrow(/aux tensors: 9 entries, the kernel ABI holds 8/);
  });
});
