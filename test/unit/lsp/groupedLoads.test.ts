// How a grouped load reads everywhere it is shown (the analysis's one wording, laneText.ts): the
// hover's lane class, the inlay label and tooltip, `check`'s human line and JSON. The packed bit
// mask example at V = 64 (two words per call) and V = 8 (a call inside one word).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { formatLoad, toJson } from "../../../server/src/cli/check";
import { factHover } from "../../../server/src/lsp/hover";
import { inlayHints } from "../../../server/src/lsp/inlayHints";
import { inlayLabel } from "../../../server/src/lsp/format";

const file = join(__dirname, "../../../examples/packed_mask.scoremod.ts");
const text = readFileSync(file, "utf8");
const WHOLE = { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } };

describe("grouped loads in the editor and the CLI", () => {
  it("V = 64: lanes grouped by 32, two consecutive words in one 8-byte load", () => {
    const a = analyze(file, text);
    const load = a.mods[0]!.loads[0]!;
    expect({ class: load.class, group: load.group, widthElems: load.widthElems, loadsPerVec: load.loadsPerVec }).toEqual({ class: "grouped", group: 32, widthElems: 2, loadsPerVec: 1 });
    const hover = (factHover(a, load.range.start)!.contents as { value: string }).value;
    expect(hover).toContain("**Lane class:** grouped — lanes grouped by 32: V/32 = 2 consecutive elements");
    expect(hover).not.toContain("unrelated addresses");
    expect(inlayLabel(load)).toBe("⟨g32·v2·8B⟩");
    const tip = inlayHints(a, WHOLE)[0]!.tooltip as { value: string };
    expect(tip.value).toContain("grouped (lanes grouped by 32: V/32 = 2 consecutive elements)");
    expect(formatLoad(load, 64)).toBe("packed.at(b,q,idiv(kv,32))  grouped  v2 · 8 B · 1 load / 64 scores (lanes grouped by 32: V/32 = 2 consecutive elements)");
    expect(toJson(a, "packed_mask.scoremod.ts").mods[0]!.loads[0]).toMatchObject({ class: "grouped", group: 32, widthElems: 2, loadsPerVec: 1 });
  });

  it("V = 8: a call lies in one run: one word, broadcast", () => {
    const a = analyze(file, text, { vecSize: 8 });
    const load = a.mods[0]!.loads[0]!;
    expect({ class: load.class, widthElems: load.widthElems, loadsPerVec: load.loadsPerVec, obligations: load.obligations }).toEqual({ class: "grouped", widthElems: 1, loadsPerVec: 1, obligations: [] });
    expect(inlayLabel(load)).toBe("⟨g32·bcast⟩");
    expect((factHover(a, load.range.start)!.contents as { value: string }).value).toContain("lanes grouped by 32: a call's 8 lanes lie in one run, one element broadcast");
  });

  it("uniform, contiguous and gather loads keep their labels", () => {
    const src = `import { bf16, idiv, scoreMod, tensor } from "scoremod";
export const t = tensor("t", bf16, ["B", "KV"], { align: 16, divisible: { KV: 8 } });
export const m = scoreMod({ vecSize: 8 }, (s, b, h, q, kv) => s + t.at(b, kv) + t.at(b, q) + t.at(b, idiv(kv + 1, 4)));
`;
    const loads = analyze("/ws/labels.scoremod.ts", src).mods[0]!.loads;
    expect(loads.map(inlayLabel)).toEqual(["⟨v8·16B⟩", "⟨uniform⟩", "⟨gather⟩"]);
  });
});
