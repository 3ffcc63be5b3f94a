// The contract between the trap fixtures and the analysis: every EXPECT line in
// test/fixtures/traps is what analyze() reports for that load, and no trap or example produces
// an error diagnostic. (The classifier's own tables test it on hand-built IR; this runs it on
// the real files through the frontend.)
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import type { TargetId } from "../../../server/src/analysis/targets";

const trapsDir = fileURLToPath(new URL("../../fixtures/traps/", import.meta.url));
const examplesDir = fileURLToPath(new URL("../../../examples/", import.meta.url));
const EXPECT = /^\/\/ EXPECT: target=(\S+) vecSize=(\d+) load=(.+) class=(\S+) widthElems=(\d+) loadsPerVec=(\d+)$/;

const cases = readdirSync(trapsDir).filter((f) => f.endsWith(".scoremod.ts")).sort().flatMap((file) =>
  readFileSync(trapsDir + file, "utf8").split("\n").map((l) => EXPECT.exec(l)).filter((m) => m !== null)
    .map((m) => ({ file, target: m[1] as TargetId, vecSize: Number(m[2]), load: m[3]!, cls: m[4]!, widthElems: Number(m[5]), loadsPerVec: Number(m[6]) })));

describe("trap verdicts from analyze()", () => {
  it.each(cases)("$file: $load is $cls, $widthElems wide, $loadsPerVec loads per V", (c) => {
    const a = analyze(c.file, readFileSync(trapsDir + c.file, "utf8"), { target: c.target });
    expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const loads = a.mods.flatMap((m) => m.vecSize === c.vecSize ? m.loads : []).filter((l) => l.text === c.load);
    expect(loads.length, `a load "${c.load}" in a mod with vecSize ${c.vecSize}`).toBe(1);
    expect({ cls: loads[0]!.class, widthElems: loads[0]!.widthElems, loadsPerVec: loads[0]!.loadsPerVec })
      .toEqual({ cls: c.cls, widthElems: c.widthElems, loadsPerVec: c.loadsPerVec });
  });

  it.each(readdirSync(examplesDir).filter((f) => f.endsWith(".scoremod.ts")).sort())("example %s analyzes without errors", (file) => {
    const a = analyze(file, readFileSync(examplesDir + file, "utf8"));
    expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(a.mods.length).toBeGreaterThan(0);
  });
});
