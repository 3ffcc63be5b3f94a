// The standalone kernel harnesses (test/gpu/kernels, scripts/gpu-kernels.sh) run only on a GPU
// machine, so nothing else compiles them: their host code once referred to a kernel flag that had
// been removed and stopped building unnoticed. Here their main translation units compile with nvcc
// against the current kernel headers (a few seconds each; the variant units are the kernels
// themselves, which programs.test.ts compiles).
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nvccOrEmpty } from "../../../server/src/toolchain/nvcc";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const NVCC = nvccOrEmpty();

describe("kernel harnesses", () => {
  it.runIf(NVCC !== "")("harness.cu and wg_harness.cu compile against the current kernel headers", () => {
    const out = mkdtempSync(join(tmpdir(), "scoremod-harness-"));
    for (const main of ["harness", "wg_harness"]) {
      const args = ["-std=c++17", "-gencode=arch=compute_90a,code=sm_90a", `-I${root}csrc/kernels`, `-I${root}test/gpu/kernels`,
        "-c", `${root}test/gpu/kernels/${main}.cu`, "-o", join(out, `${main}.o`)];
      let log = "";
      try {
        execFileSync(NVCC, args, { encoding: "utf8", stdio: "pipe" });
      } catch (e) {
        log = String((e as { stderr?: string }).stderr ?? e);
      }
      expect(log, main).toBe("");
    }
  }, 120_000);
});
