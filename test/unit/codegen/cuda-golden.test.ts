// Golden CUDA for every example: each mod at its own vecSize on fa4-sm100 and runner-sm90, and at
// V=2 (the pairs model) on fa4-sm90 and runner-hopper (which adds the staged entry and the producer
// copy function for its staged loads). FA4 refuses a V=2 mask on sm90 (SM172), so fa4-sm90 has
// score mods only; fa4-sm80 has none (FA4 refuses its score mods, SM173, and its V=1 masks are
// fa4-sm100's code). Output must be byte-identical run to run.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import type { TargetId } from "../../../server/src/analysis/targets";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { expectGolden } from "./golden";
import { ROOT, corpus } from "./proofCorpus";

const examples = corpus(["examples"]);
const cases: { target: TargetId; vecSize?: number }[] = [{ target: "fa4-sm100" }, { target: "runner-sm90" }, { target: "fa4-sm90", vecSize: 2 }, { target: "runner-hopper", vecSize: 2 }];

describe("CUDA goldens", () => {
  it("covers every example", () => expect(examples.length).toBeGreaterThanOrEqual(9));
  for (const f of examples) {
    for (const c of cases) {
      it(`${f.name} on ${c.target}${c.vecSize ? ` V=${c.vecSize}` : ""}`, () => {
        const fa = analyze(f.name, f.text, c);
        const refused = (m: (typeof fa.mods)[number]) => c.target === "fa4-sm90" && m.kind === "mask" && m.blocking.every((d) => d.code === "SM172");
        expect(fa.diagnostics.filter((d) => d.severity === "error" && d.code !== "SM172")).toEqual([]);
        for (const m of fa.mods) {
          if (refused(m)) continue;
          expect(m.ok, m.name).toBe(true);
          const g = generateCuda(fa, m.name);
          expect(generateCuda(analyze(f.name, f.text, c), m.name).text).toBe(g.text);
          const stem = f.name.replace(/\.scoremod\.ts$/, "");
          expectGolden(join(ROOT, "test/golden/cuda", `${stem}.${m.name}.${c.target}.v${g.vecSize}.cu`), g.text);
        }
      });
    }
  }
});

// The editor's Show CUDA (render: "preview"): the mod's functions only. Goldens per mod on the
// default target, and what it must leave out, checked on every example.
describe("CUDA preview goldens", () => {
  for (const f of examples) {
    it(`${f.name}: the mod's functions without #line, prelude, guards, bounds-check lines or proof kernel`, () => {
      const fa = analyze(f.name, f.text, { target: "fa4-sm100" });
      const stem = f.name.replace(/\.scoremod\.ts$/, "");
      for (const m of fa.mods) {
        const g = generateCuda(fa, m.name, { render: "preview" });
        const full = generateCuda(fa, m.name);
        expectGolden(join(ROOT, "test/golden/cuda-preview", `${stem}.${m.name}.cu`), g.text);
        expect(g.text).not.toMatch(/^#line|^#ifdef|^#ifndef|^#endif|SM_CODEGEN_PRELUDE|sm_proof_|__global__/m);
        expect(g.kernel).toBe("");
        expect(g.text.split("\n").length).toBeLessThan(full.text.split("\n").length / 2);
        // Every line the map attributes to the source is a line of the preview, and the lane
        // function's statements are attributed (the editor highlights them from the cursor).
        const lines = g.text.split("\n");
        for (const e of g.lineMap) expect(lines[e.genLine - 1], `${m.name} line ${e.genLine}`).toBeDefined();
        // (`return (...)`, or `return t3_acc;` after an unrolled reduction)
        expect(g.lineMap.some((e) => /^return [(\w]/.test(lines[e.genLine - 1]!.trim()))).toBe(true);
        // The same loads as the compiled code: the preview is a rendering, not another generator.
        expect(g.loads).toEqual(full.loads);
      }
    });
  }
  it("has no dead return after the mod's final return, in either rendering", () => {
    const fa = analyze("k.scoremod.ts", `import { scoreMod } from "scoremod";\nexport const m = scoreMod((s, b, h, q, kv) => s * 2);\n`);
    for (const render of ["preview", "compile"] as const) {
      const lane = generateCuda(fa, "m", { render }).text.split("__device__").find((x) => x.includes("_lane("))!;
      expect(lane.match(/return /g)).toHaveLength(1);
    }
    // A body ending in if/else keeps the fallback (nvcc cannot tell every path returns otherwise).
    const branchy = analyze("k.scoremod.ts", `import { scoreMod } from "scoremod";\nexport const m = scoreMod((s, b, h, q, kv) => { if (q > kv) { return s; } else { return s * 2; } });\n`);
    expect(generateCuda(branchy, "m", { render: "preview" }).text).toContain("  return score;\n");
  });
});
