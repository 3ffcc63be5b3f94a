// NVRTC (what the runner compiles with on a GPU machine) rejects some constructs nvcc accepts,
// and this machine has no NVRTC to try: both failures below were first seen on the H100.
// The kernel headers must avoid them.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../../../csrc/kernels/", import.meta.url));
const headers = readdirSync(dir).filter((f) => f.endsWith(".cuh") || f.endsWith(".h"));
const code = (f: string) => readFileSync(dir + f, "utf8").replace(/\/\/.*$/gm, "").replace(/\/\*[\s\S]*?\*\//g, "");

describe("kernel headers compile under NVRTC's rules", () => {
  it("there are headers to check", () => expect(headers).toContain("attention_wgmma.cuh"));
  it.each(headers)("%s: no generic lambdas (NVRTC treats them as host functions)", (f) => {
    // Parameter lists of lambdas, one level of nested parentheses allowed (float (&a)[2]).
    const params = [...code(f).matchAll(/\[[&=]?\]\s*\(((?:[^()]|\([^()]*\))*)\)/g)].map((m) => m[1]!);
    expect(params.filter((p) => /\bauto\b/.test(p))).toEqual([]);
  });
  it.each(headers)("%s: no __builtin_offsetof or offsetof (NVRTC has neither)", (f) => {
    expect(code(f)).not.toMatch(/\b(__builtin_)?offsetof\s*\(/);
  });
  it.each(headers)("%s: includes only CUDA's device headers, stdint.h and each other", (f) => {
    const includes = [...code(f).matchAll(/#include\s*[<"]([^>"]+)[>"]/g)].map((m) => m[1]!);
    for (const inc of includes) expect(["cuda_bf16.h", "cuda_fp16.h", "stdint.h", ...headers], `${f} includes ${inc}`).toContain(inc);
  });
});
