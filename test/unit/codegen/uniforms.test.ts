// Uniform loads on the Hopper kernel's own entry (codegen/cuda.ts emitUniforms): loaded once per
// work item and query row by the kernel, not once per kv tile, with the same index, bounds check
// and value as the per-call load every other kernel makes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { loadHover } from "../../../server/src/lsp/format";
import type { TargetId } from "../../../server/src/analysis/targets";
import { formatLoad } from "../../../server/src/cli/check";

const HEAD = `import { f32, i32, maskMod, min, scalar, scoreMod, tensor } from "scoremod";
export const shift = scalar("shift", i32, 1);
export const slopes = tensor("s", f32, ["H"]);
export const rowBias = tensor("rb", f32, ["B", "Q"]);
export const pick = tensor("pk", i32, ["H"], { values: [0, 8] });
export const table = tensor("tb", f32, [8]);
export const col = tensor("cb", f32, ["KV"], { align: 16 });
`;
const gen = (body: string, target: TargetId = "runner-hopper", kind = "scoreMod") => {
  const fa = analyze("t.scoremod.ts", `${HEAD}export const m = ${kind}({ vecSize: 2 }, (${kind === "scoreMod" ? "score, " : ""}b, h, q, kv) => ${body});\n`, { target });
  expect(fa.mods[0]!.ok, JSON.stringify(fa.diagnostics.map((d) => d.message))).toBe(true);
  return { fa, g: generateCuda(fa, "m", { render: "compile" }) };
};

describe("uniform loads on the Hopper kernel", () => {
  it("a q-dependent uniform load moves into the uniforms function; the own entry reads its value", () => {
    const { g } = gen("score + rowBias.at(b, q) + col.at(kv)");
    expect(g.wgUniforms).toEqual({ fn: "sm_m_v2_uniforms", type: "sm_m_v2_uni" });
    const uni = g.code.slice(g.code.indexOf("sm_m_v2_uniforms(int b"), g.code.indexOf("return un;"));
    expect(uni).toContain("const long long x0_1 = q;");
    expect(uni).toContain("un.ld0 = ld0;");
    // The kv-dependent load stays in the entry, the uniform one is not loaded there again.
    const wg = g.code.slice(g.code.indexOf("void sm_m_v2_wg("), g.code.indexOf("__device__ __forceinline__ void sm_m_v2(float"));
    expect(wg).toContain("const float ld0 = un.ld0;");
    expect(wg).toContain("p.aux[4].data");
    expect(wg).not.toContain("p.aux[1].data");
    // The bounds-checked build checks it there, reporting kv as -1 (any: the index has no kv).
    expect(uni).toMatch(/SM_CHECK_INDEX\(0, 1, x0_1, p\.dims\[\d\], b, h, q, -1\)/);
    // One record per load for the PTX proof and the header, as before.
    expect(g.loads.filter((l) => l.id === 0)).toHaveLength(1);
  });

  it("a uniform load indexed by another keeps their order; a mod without one gets an empty struct", () => {
    const { g } = gen("score + table.at(pick.at(h))");
    const uni = g.code.slice(g.code.indexOf("sm_m_v2_uniforms(int b"), g.code.indexOf("return un;"));
    // pick.at(h) is load #1, table.at(...) #0: the index's load comes first.
    expect(uni.indexOf("un.ld1 = ld1;")).toBeGreaterThan(0);
    expect(uni.indexOf("un.ld1 = ld1;")).toBeLessThan(uni.indexOf("const long long x0_0 = ld1;"));
    expect(uni.indexOf("const long long x0_0 = ld1;")).toBeLessThan(uni.indexOf("un.ld0 = ld0;"));
    expect(gen("score + col.at(kv)").g.code).toContain("struct sm_m_v2_uni {};");
  });

  it("compiles: the struct, the function and both entries (nvcc, no GPU)", () => {
    // A q-dependent load, a per-head one, one indexed by another load and a scalar, and a contiguous one.
    const { g } = gen("score + rowBias.at(b, q) * slopes.at(h) + table.at(min(pick.at(h) + shift.value, 7)) + col.at(kv)");
    expect(g.code).toMatch(/struct sm_m_v2_uni \{ float ld\d+; float ld\d+; int ld\d+; float ld\d+; \};/);
    const dir = mkdtempSync(join(tmpdir(), "uniforms-"));
    writeFileSync(join(dir, "m.cu"), g.text);
    const out = execFileSync("nvcc", ["-c", "-std=c++17", "-gencode=arch=compute_90a,code=sm_90a", "-I", join(__dirname, "../../../csrc/kernels"), "-DSM_BOUNDS_CHECK", "-rdc=true", "-o", join(dir, "m.o"), join(dir, "m.cu")], { encoding: "utf8" });
    expect(out).toBe("");
  }, 120_000);

  it("only the Hopper kernel's score mods: other targets and mask mods load per call", () => {
    expect(gen("score + slopes.at(h)", "runner-sm90").g.wgUniforms).toBeNull();
    expect(gen("score + slopes.at(h)", "runner-sm90").g.code).not.toContain("_uniforms");
    expect(gen("pick.at(h) > 0", "runner-hopper", "maskMod").g.code).not.toContain("_uniforms");
  });

  it("the hover says where the kernel that runs loads it", () => {
    const hover = (t: TargetId) => {
      const { fa } = gen("score + slopes.at(h)", t);
      return loadHover(fa.mods[0]!.loads[0]!, fa.mods[0]!, t);
    };
    expect(hover("runner-hopper")).toContain("loads it once per work item for each of a thread's two query rows");
    expect(hover("runner-sm90")).not.toContain("once per work item");
    // One fact (LoadFact.perWorkItem) for the generator, the hover and `check`.
    const hopper = gen("score + slopes.at(h)").fa.mods[0]!.loads[0]!;
    expect(hopper.perWorkItem).toBe(true);
    expect(formatLoad(hopper, 2)).toContain("uniform  v1 · 4 B · 1 load / work item and row");
    expect(gen("score + slopes.at(h)", "runner-sm90").fa.mods[0]!.loads[0]!.perWorkItem).toBeUndefined();
    expect(gen("pick.at(h) > 0", "runner-hopper", "maskMod").fa.mods[0]!.loads[0]!.perWorkItem).toBeUndefined();
  });
});
