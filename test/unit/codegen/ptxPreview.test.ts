// The editor's Show PTX rendering (codegen/ptxPreview.ts): goldens over PTX that nvcc made once
// (test/fixtures/ptx/, rewritten with UPDATE_GOLDENS=1 where nvcc is found), so the rendering is
// tested on every machine and nvcc's version does not move the goldens.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { ptxPreview } from "../../../server/src/codegen/ptxPreview";
import { compileToPtx, findNvcc } from "../../../server/src/toolchain/nvcc";
import { UPDATE, expectGolden } from "./golden";
import { ROOT } from "./proofCorpus";

const NOTE = "SASS: not shown: (the note sassNote gives)";
const cases = [{ stem: "spatial_bias", mod: "spatialBiasMod" }, { stem: "document_mask", mod: "documentMask" }];

async function fixture(stem: string, mod: string) {
  const file = join(ROOT, "examples", `${stem}.scoremod.ts`);
  const text = readFileSync(file, "utf8");
  const fa = analyze(file, text, { target: "fa4-sm100" });
  const gen = generateCuda(fa, mod);
  const path = join(ROOT, "test/fixtures/ptx", `${stem}.${mod}.fa4-sm100.ptx`);
  if (UPDATE || !existsSync(path)) {
    let nvcc = "";
    try { nvcc = findNvcc(); } catch { /* no nvcc: the fixture must already exist */ }
    if (nvcc) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, (await compileToPtx(gen.text, { target: "fa4-sm100", fileName: `${gen.functionName}.cu` })).ptx);
    }
  }
  const loadText = new Map(fa.mods.find((m) => m.name === mod)!.loads.map((l) => [l.id, l.text]));
  return { gen, lines: text.split(/\r?\n/), loadText, ptx: readFileSync(path, "utf8") };
}

describe("PTX preview: by source line, each load under its own heading", () => {
  for (const c of cases) {
    it(`${c.stem}.${c.mod}: golden`, async () => {
      const f = await fixture(c.stem, c.mod);
      const p = ptxPreview(f.ptx, f.gen, f.lines, f.loadText, NOTE);
      expectGolden(join(ROOT, "test/golden/ptx-preview", `${c.stem}.${c.mod}.txt`), p.text);
      expect(p.lineMap.length).toBe(p.text.split("\n").length);
      // The proof kernel's own instructions are counted, not listed.
      expect(p.text).toMatch(/^\/\/ Not shown: the kernel's own [1-9]\d* instruction\(s\)/m);
      expect(p.text).toContain(`// ${NOTE}`);
    });
  }
  it("spatial_bias: the contiguous load and the gather it indexes, each with its own instructions", async () => {
    const f = await fixture("spatial_bias", "spatialBiasMod");
    const lines = ptxPreview(f.ptx, f.gen, f.lines, f.loadText, NOTE).text.split("\n");
    const under = (heading: RegExp): string[] => {
      const at = lines.findIndex((l) => heading.test(l));
      expect(at, String(heading)).toBeGreaterThan(0);
      const end = lines.findIndex((l, i) => i > at && l.startsWith("//"));
      return lines.slice(at + 1, end < 0 ? undefined : end);
    };
    const dist = under(/^\/\/ {3}load #1 distances\.at\(b, q, kv\): contiguous, 1 x 8 B$/);
    expect(dist).toHaveLength(1);
    expect(dist[0]).toMatch(/^ {4}ld\.global\.nc\.v2\./);
    const bias = under(/^\/\/ {3}load #0 spatialBias\.at\(h, distances\.at\(b, q, kv\)\): gather, 2 x 2 B$/);
    expect(bias).toHaveLength(2);
    for (const l of bias) expect(l).toMatch(/^ {4}ld\.global\.nc\.u16 /);
  });
  it("document_mask: two loads of one width on one line say they are told apart by program order", async () => {
    const f = await fixture("document_mask", "documentMask");
    const t = ptxPreview(f.ptx, f.gen, f.lines, f.loadText, NOTE).text;
    expect(t).toContain("//   load #0 docId.at(b, q): uniform, 1 x 4 B (one width with another load of this line: told apart by program order)");
    expect(t).toContain("//   load #1 docId.at(b, kv): contiguous, 1 x 4 B (one width with another load of this line: told apart by program order)");
  });
});
