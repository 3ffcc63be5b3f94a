// Which kernel a job runs on, with which analysis target and V (server/src/runner/kernelChoice.ts).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { planKernel } from "../../../server/src/runner/kernelChoice";
import { RunnerError } from "../../../server/src/runner/types";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const file = (n: string) => ({ fileName: `${root}examples/${n}.scoremod.ts`, text: readFileSync(`${root}examples/${n}.scoremod.ts`, "utf8") });
const H100 = { sm: 90, name: "H100" }, A100 = { sm: 80, name: "A100" }, B200 = { sm: 100, name: "B200" };
const noEnv = {};

describe("planKernel", () => {
  it("on Hopper runs a declared V = 8 mod on the wgmma kernel at V = 2, and says so", () => {
    const p = planKernel(H100, { ...file("kv_bias"), mod: "kvBiasMod" }, noEnv);
    expect(p).toMatchObject({ kernel: "wgmma", target: "runner-hopper", vec: 2 });
    expect(p.note).toMatch(/V capped at 2 \(kvBiasMod declares V = 8\)/);
  });

  it("keeps a declared V <= 2 without a note", () => {
    const p = planKernel(H100, { ...file("softcap"), mod: "softcap" }, noEnv);
    expect(p).toMatchObject({ kernel: "wgmma", target: "runner-hopper", vec: 2 });  // no aux: default V = 2
    expect(p.note).toBeUndefined();
  });

  it("runs an explicit V > 2 on the portable kernel with its own target", () => {
    const p = planKernel(H100, { ...file("kv_bias"), mod: "kvBiasMod", vec: 8 }, noEnv);
    expect(p).toMatchObject({ kernel: "mma", target: "runner-sm90", vec: 8 });
    expect(p.note).toMatch(/V = 8.*portable kernel/);
  });

  it("caps the pair's declared V too", () => {
    const p = planKernel(H100, { ...file("softcap"), mod: "softcap", pair: "causal" }, noEnv);
    expect(p.kernel).toBe("wgmma");
    expect(p.pairVec).toBeLessThanOrEqual(2);
  });

  it("uses the portable kernel off Hopper, and refuses a forced wgmma there", () => {
    expect(planKernel(A100, { ...file("kv_bias"), mod: "kvBiasMod" }, noEnv)).toMatchObject({ kernel: "mma", target: "runner-sm80" });
    expect(planKernel(B200, { ...file("kv_bias"), mod: "kvBiasMod" }, noEnv)).toMatchObject({ kernel: "mma", target: "runner-sm90" });
    expect(() => planKernel(A100, { ...file("kv_bias"), mod: "kvBiasMod", kernel: "wgmma" }, noEnv)).toThrow(/needs an sm_90 GPU/);
  });

  it("honours kernel: mma (the second opinion) and SCOREMOD_KERNEL, and rejects unknown names", () => {
    expect(planKernel(H100, { ...file("kv_bias"), mod: "kvBiasMod", kernel: "mma" }, noEnv).kernel).toBe("mma");
    expect(planKernel(H100, { ...file("kv_bias"), mod: "kvBiasMod" }, { SCOREMOD_KERNEL: "mma" }).kernel).toBe("mma");
    expect(() => planKernel(H100, { ...file("kv_bias"), mod: "kvBiasMod" }, { SCOREMOD_KERNEL: "fast" })).toThrow(RunnerError);
  });

  it("refuses a forced wgmma at V > 2", () => {
    expect(() => planKernel(H100, { ...file("kv_bias"), mod: "kvBiasMod", vec: 4, kernel: "wgmma" }, noEnv)).toThrow(/V <= 2/);
  });
});
