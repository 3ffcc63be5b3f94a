// `scoremod cuda` end to end through run(): output, --ptx with the proof, and each clear error.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../../../server/src/cli/cuda";
import { NvccMissingError, findNvcc } from "../../../server/src/toolchain/nvcc";
import { ROOT } from "./proofCorpus";

async function cli(...argv: string[]) {
  let out = "", err = "";
  const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}
const kv = join(ROOT, "examples/kv_bias.scoremod.ts");
const haveNvcc = (() => { try { findNvcc(); return true; } catch { return false; } })();

describe("scoremod cuda", () => {
  it("prints the device function and its kernel", async () => {
    const r = await cli(kv, "--target", "runner-sm80");
    expect(r.code).toBe(0);
    expect(r.out).toContain("__device__ __forceinline__ void sm_kvBiasMod_v8(float (&s)[8]");
    expect(r.out).toContain('#line 8 "kv_bias.scoremod.ts"');
    expect(r.out).toContain('extern "C" __global__ void sm_proof_kvBiasMod_v8(');
  });
  it("--preview prints the editor's rendering: the mod's functions, no #line or proof kernel", async () => {
    const r = await cli(kv, "--preview");
    expect(r.code).toBe(0);
    expect(r.out).toContain("__device__ __forceinline__ void sm_kvBiasMod_v8(float (&s)[8]");
    expect(r.out).not.toMatch(/^#line|sm_proof_|SM_CODEGEN_PRELUDE/m);
    expect((await cli(kv, "--preview", "--ptx")).code).toBe(2);
  });
  it("honours --vec and --mod", async () => {
    const r = await cli(join(ROOT, "examples/softcap.scoremod.ts"), "--mod", "causal", "--vec", "4", "--target", "runner-sm90");
    expect(r.code).toBe(0);
    expect(r.out).toContain("sm_causal_v4(bool (&keep)[4]");
    expect(r.out).not.toContain("sm_softcap_v4");
  });
  it.skipIf(!haveNvcc)("--ptx groups instructions under source lines and proves the loads", async () => {
    const r = await cli(kv, "--ptx", "--target", "runner-sm90");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\/\/ kv_bias\.scoremod\.ts:8: export const kvBiasMod[^\n]*\n(\s+[^\n]*\n)*?\s+ld\.global\.nc\.v4\.u32/);
    expect(r.out).toContain("// load proof: every source line's global loads match the analysis (1 load site(s))");
  });
  it.skipIf(!haveNvcc)("--sass: the cubin's registers and spills, then SASS or why there is none; exclusive with --ptx and --preview", async () => {
    const r = await cli(kv, "--sass", "--target", "runner-hopper", "--vec", "2");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^\/\/ ===== kvBiasMod \(score mod\) on runner-hopper \(sm_90a\), V=2: nvcc -cubin and disassembly \d+ ms\n/);
    expect(r.out).toMatch(/\/\/ sm_proof_kvBiasMod_v2: \d+ registers, 0 bytes spill stores, 0 bytes spill loads, 0 bytes stack frame \(ptxas -v\)/);
    expect(r.out).toMatch(/\/\/ SASS: not shown: disassembling needs|\/\/ SASS by (nvdisasm|cuobjdump)/);
    expect((await cli(kv, "--sass", "--ptx")).code).toBe(2);
    expect((await cli(kv, "--sass", "--preview")).code).toBe(2);
  }, 120_000);
  it("no such mod: exit 2 naming the mods", async () => {
    const r = await cli(kv, "--mod", "nope");
    expect(r.code).toBe(2);
    expect(r.err).toContain("no mod named 'nope' (mods: kvBiasMod)");
  });
  it("a mod with errors: exit 1 with located errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "smcuda-"));
    const f = join(dir, "bad.scoremod.ts");
    writeFileSync(f, 'import { scoreMod } from "scoremod";\nexport const m = scoreMod((s) => s + foo);\n');
    const r = await cli(f);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/mod 'm' cannot be generated until its errors are fixed: .*bad\.scoremod\.ts:2:\d+: \S+ [^\n]*\n\s+.*bad\.scoremod\.ts:2:\d+: error/);
  });
  it("a V the target does not accept: exit 1", async () => {
    const r = await cli(kv, "--target", "fa4-sm90");
    expect(r.code).toBe(1);
    expect(r.err).toContain("exceeds 2 on fa4-sm90");
  });
  it("bad usage and input: exit 2", async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli(kv, "--target", "sm_75")).err).toContain("unknown target 'sm_75'");
    expect((await cli(join(ROOT, "nope.scoremod.ts"))).err).toContain("no such file");
  });
  it("nvcc missing: a clear message", () => {
    expect(() => findNvcc({ PATH: "" }, [])).toThrow(NvccMissingError);
    expect(findNvcc({ PATH: "", SCOREMOD_NVCC: process.execPath }, [])).toBe(process.execPath);
    expect(() => findNvcc({ PATH: "", SCOREMOD_NVCC: "/nonexistent/nvcc" }, [])).toThrow(/\$SCOREMOD_NVCC \(\/nonexistent\/nvcc\)/);
    expect(() => findNvcc({ PATH: "", CUDA_HOME: "/nonexistent" }, [])).toThrow(/nvcc not found \(looked in \/nonexistent\/bin and PATH\); install the CUDA toolkit or set CUDA_HOME/);
  });
});
