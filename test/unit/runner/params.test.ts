// The host's packing of SmAttnParams must match the kernel headers byte for byte: nvcc compiles
// a host program over the real headers that prints every offset, and we compare.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ATTN_OFFSETS, ATTN_PARAMS_SIZE, CLASSIFY_OFFSETS, CLASSIFY_PARAMS_SIZE, SMPARAMS_OFFSETS, SMPARAMS_SIZE, TENSOR_MAP_BYTES, WG_PARAMS_OFFSET, WG_PARAMS_SIZE, packAttnParams, packWgParams } from "../../../server/src/runner/params";

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
    const fields = ["q", "k", "v", "o", "lse", "q_stride_b", "k_stride_b", "v_stride_b", "o_stride_b", "lse_stride_b", "B", "H", "Hkv", "Q", "KV", "D", "softmax_scale", "flags", "blk", "blk_stride_b", "blk_stride_h", "blk_row", "mod"];
    const src = `#include <cstdio>\n#include <cstddef>\n#include "attention_abi.cuh"\nint main() {\n` +
      fields.map((f) => `  printf("${f} %zu\\n", offsetof(SmAttnParams, ${f}));`).join("\n") +
      `\n  printf("classify_out %zu\\nclassify_tile_q %zu\\nclassify_size %zu\\n", offsetof(SmClassifyParams, out), offsetof(SmClassifyParams, tile_q), sizeof(SmClassifyParams));\n  printf("size %zu\\nsmparams %zu\\naux %zu\\ndims %zu\\nfscalars %zu\\niscalars %zu\\n", sizeof(SmAttnParams), sizeof(SmParams), offsetof(SmParams, aux), offsetof(SmParams, dims), offsetof(SmParams, fscalars), offsetof(SmParams, iscalars));\n  return 0;\n}\n`;
    writeFileSync(join(dir, "abi.cu"), src);
    execFileSync(NVCC!, ["-I", kernels, "-o", join(dir, "abi"), join(dir, "abi.cu")], { stdio: "pipe" });
    const out = execFileSync(join(dir, "abi"), { encoding: "utf8" });
    const got = Object.fromEntries(out.trim().split("\n").map((l) => { const [k, v] = l.split(" "); return [k!, Number(v)]; }));
    for (const f of fields) expect(got[f], f).toBe(ATTN_OFFSETS[f as keyof typeof ATTN_OFFSETS]);
    expect(got.size).toBe(ATTN_PARAMS_SIZE);
    expect([got.classify_out, got.classify_tile_q, got.classify_size]).toEqual([CLASSIFY_OFFSETS.out, CLASSIFY_OFFSETS.tile_q, CLASSIFY_PARAMS_SIZE]);
    expect(got.smparams).toBe(SMPARAMS_SIZE);
    expect(got.dims).toBe(SMPARAMS_OFFSETS.dims);
    expect(got.fscalars).toBe(SMPARAMS_OFFSETS.fscalars);
    expect(got.iscalars).toBe(SMPARAMS_OFFSETS.iscalars);
  }, 60_000);

  it.runIf(NVCC)("SmWgParams: tensor maps first, SmAttnParams at the offset nvcc computes", () => {
    const dir = mkdtempSync(join(tmpdir(), "scoremod-wgabi-"));
    const src = `#include <cstdio>\n#include <cstddef>\n#include "attention_wgmma.cuh"\nint main() {\n` +
      `  printf("tq %zu\\ntk %zu\\ntv %zu\\nta %zu\\np %zu\\nsize %zu\\nalign %zu\\n", offsetof(SmWgParams, tq), offsetof(SmWgParams, tk), offsetof(SmWgParams, tv), offsetof(SmWgParams, ta), offsetof(SmWgParams, p), sizeof(SmWgParams), alignof(SmWgParams));\n  return 0;\n}\n`;
    writeFileSync(join(dir, "wgabi.cu"), src);
    execFileSync(NVCC!, ["-std=c++17", "-I", kernels, "-o", join(dir, "wgabi"), join(dir, "wgabi.cu")], { stdio: "pipe" });
    const got = Object.fromEntries(execFileSync(join(dir, "wgabi"), { encoding: "utf8" }).trim().split("\n").map((l) => { const [k, v] = l.split(" "); return [k!, Number(v)]; }));
    expect(got).toEqual({ tq: 0, tk: TENSOR_MAP_BYTES, tv: 2 * TENSOR_MAP_BYTES, ta: 3 * TENSOR_MAP_BYTES, p: WG_PARAMS_OFFSET, size: WG_PARAMS_SIZE, align: 64 });
  }, 60_000);

  it("packWgParams: maps at 0/128/256 (and an aux tile's at 384), the common parameters at their offset", () => {
    const maps = { q: new Uint8Array(128).fill(1), k: new Uint8Array(128).fill(2), v: new Uint8Array(128).fill(3) };
    const attn = { q: 1n, k: 2n, v: 3n, o: 4n, lse: 0n, qStrides: [8, 8, 8] as [number, number, number], kStrides: [8, 8, 8] as [number, number, number],
      vStrides: [8, 8, 8] as [number, number, number], oStrides: [8, 8, 8] as [number, number, number], lseStrides: [0, 0] as [number, number],
      B: 1, H: 2, Hkv: 1, Q: 3, KV: 4, D: 64, softmaxScale: 0.125, flags: 1, mod: { aux: [], dims: [], fscalars: [], iscalars: [] } };
    const buf = packWgParams(maps, attn);
    expect(buf.length).toBe(WG_PARAMS_SIZE);
    expect([buf[0], buf[127], buf[128], buf[255], buf[256], buf[383]]).toEqual([1, 1, 2, 2, 3, 3]);
    expect(buf.subarray(WG_PARAMS_OFFSET, WG_PARAMS_OFFSET + ATTN_PARAMS_SIZE)).toEqual(packAttnParams(attn));
    expect(buf.subarray(384, 512).every((x) => x === 0)).toBe(true);  // no aux tile: zeros, never read
    const withAux = packWgParams({ ...maps, aux: new Uint8Array(128).fill(4) }, attn);
    expect([withAux[384], withAux[511], withAux[512]]).toEqual([4, 4, withAux[512]]);
    expect(withAux.subarray(WG_PARAMS_OFFSET)).toEqual(buf.subarray(WG_PARAMS_OFFSET));
    expect(() => packWgParams({ ...maps, k: new Uint8Array(64) }, attn)).toThrow(/tensor map k: 64 bytes/);
  });

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
