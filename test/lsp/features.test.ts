// The feature functions on the analysis of every example: inlay labels per load (a table that
// changes only when a verdict changes), hovers on every load, and quick fixes as edits.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { analyze } from "../../server/src/analysis/index";
import { codeActions } from "../../server/src/lsp/codeActions";
import { factHover } from "../../server/src/lsp/hover";
import { inlayHints } from "../../server/src/lsp/inlayHints";
import { inlayLabel } from "../../server/src/lsp/format";
import type { LoadFact } from "../../server/src/analysis/facts";

const dir = join(__dirname, "..", "..", "examples");
const examples = readdirSync(dir).filter((f) => f.endsWith(".scoremod.ts")).sort();
const ALL = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

describe("features on the examples", () => {
  test("inlay labels per example (fa4-sm100)", () => {
    const table: Record<string, string[]> = {};
    for (const f of examples) {
      const a = analyze(join(dir, f), readFileSync(join(dir, f), "utf8"), { target: "fa4-sm100" });
      table[f] = a.mods.flatMap((m) => m.loads.map((l) => `${m.name}: ${l.text} ${inlayLabel(l)}`));
      // The hint sits right after the load, one per place in the source (a load in a mod that
      // another mod calls, or in an unrolled loop, is one hint listing its other uses).
      const places = new Map(a.mods.flatMap((m) => m.loads.map((l) => [`${l.range.end.line}:${l.range.end.character}`, l.range.end] as const)));
      expect(inlayHints(a, ALL).map((h) => h.position)).toEqual(
        [...places.values()].sort((x, y) => x.line - y.line || x.character - y.character));
    }
    expect(table).toMatchSnapshot();
  });

  test("every load of every example has a hover naming its class and width", () => {
    let n = 0;
    for (const f of examples) {
      const a = analyze(join(dir, f), readFileSync(join(dir, f), "utf8"));
      for (const m of a.mods) {
        for (const l of m.loads) {
          const h = factHover(a, l.range.start);
          const md = (h?.contents as { value: string }).value;
          expect(md).toContain(`\`${l.text}\``);
          expect(md).toContain(`${l.widthElems} elem`);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(5);
  });

  test("inlay labels for each lane class and width", () => {
    const base = { class: "contiguous", widthElems: 8, widthBytes: 16 } as LoadFact;
    expect(inlayLabel(base)).toBe("⟨v8·16B⟩");
    expect(inlayLabel({ ...base, widthElems: 1, widthBytes: 2 })).toBe("⟨scalar⟩");
    expect(inlayLabel({ ...base, class: "uniform" })).toBe("⟨uniform⟩");
    expect(inlayLabel({ ...base, class: "gather" })).toBe("⟨gather⟩");
  });

  test("quick fixes apply to the text and produce a file that vectorizes", () => {
    const f = join(dir, "kv_bias.scoremod.ts");
    const text = readFileSync(f, "utf8").replace("align: 16, ", "");
    const a = analyze(f, text);
    const load = a.mods[0].loads[0];
    expect(load.widthElems).toBe(1);
    const actions = codeActions(a, load.range, undefined, { uri: "file:///x", version: 1, docsLink: () => null, annotations: false, needsConfirmation: false });
    // Safe first: vecSize down to what align proves (preferred), then the promise FA4 does not check.
    expect(actions.map((x) => [x.title, x.isPreferred])).toEqual([
      ["Set vecSize: 1 (as wide as kvBias's declared facts prove; no promise needed)", true],
      ["Promise kvBias is 16-byte aligned (align: 16; FA4 will not check the promise)", false],
    ]);
    const edits = (actions[1].edit!.changes!["file:///x"]).slice().sort((x, y) => y.range.start.line - x.range.start.line || y.range.start.character - x.range.start.character);
    const lines = text.split("\n");
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((s, l) => s + l.length + 1, 0) + p.character;
    let fixed = text;
    for (const e of edits) fixed = fixed.slice(0, offset(e.range.start)) + e.newText + fixed.slice(offset(e.range.end));
    const b = analyze(f, fixed);
    expect(b.mods[0].loads[0].widthElems).toBe(8);
    // Asking only for refactorings gets no quick fixes.
    expect(codeActions(a, load.range, ["refactor"], { uri: "file:///x", version: 1, docsLink: () => null, annotations: false, needsConfirmation: false })).toEqual([]);
  });

  // Flex habit: `&` / `|` between booleans. TypeScript rejects it (TS2447); SM170 says why at the
  // operator and its quick fix writes `&&` / `||`, parenthesised where precedence would change.
  const applyAll = (text: string, a: ReturnType<typeof analyze>, range = ALL): string => {
    const lines = text.split("\n");
    const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((s, l) => s + l.length + 1, 0) + p.character;
    const fix = codeActions(a, range, undefined, { uri: "file:///x", version: 1, docsLink: () => null, annotations: false, needsConfirmation: false })[0]!;
    const [e] = fix.edit!.changes!["file:///x"]!;
    return text.slice(0, offset(e!.range.start)) + e!.newText + text.slice(offset(e!.range.end));
  };
  const flexFile = (body: string) => `import { i32, maskMod, tensor } from "scoremod";\n` +
    `export const docId = tensor("doc_id", i32, ["B", "KV"], { init: { segments: 4 } });\n` +
    `export const m = maskMod((b, h, q, kv) => ${body});\n`;

  test("SM170: `&` on booleans is located at the operator, replaces TS2447, and its fix gives `&&`", () => {
    const text = flexFile("(q >= kv) & (docId.at(b, q) === docId.at(b, kv))");
    const a = analyze("flex.scoremod.ts", text);
    const errs = a.diagnostics.filter((d) => d.severity === "error");
    expect(errs.map((d) => d.code)).toEqual(["SM170"]);
    const at = text.split("\n")[2]!.indexOf(" & ") + 1;
    expect(errs[0]!.range).toEqual({ start: { line: 2, character: at }, end: { line: 2, character: at + 1 } });
    expect(errs[0]!.message).toMatch(/'&' on booleans is Flex.*Write '&&'/);
    expect(a.mods[0]!.ok).toBe(false);
    const fixed = applyAll(text, a, errs[0]!.range);
    expect(fixed).toContain("(q >= kv) && (docId.at(b, q) === docId.at(b, kv))");
    const b = analyze("flex.scoremod.ts", fixed);
    expect(b.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(b.mods[0]!.ok).toBe(true);
  });

  test("SM170: `|` inside `&` is parenthesised by the fix, so `a | b & c`-style precedence is kept", () => {
    // `(q < 4) | (kv < 4) & (q >= kv)` parses as `(q < 4) | ((kv < 4) & (q >= kv))`; fixing the
    // inner `&` alone must not turn it into `(q < 4) | (kv < 4) && (q >= kv)`.
    let text = flexFile("(q < 4) | (kv < 4) & (q >= kv)");
    for (let i = 0; i < 2; i++) {
      const a = analyze("flex2.scoremod.ts", text);
      expect(a.diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual(i === 0 ? ["SM170", "SM170"] : ["SM170"]);
      text = applyAll(text, a, a.diagnostics.find((d) => d.code === "SM170")!.range);
    }
    expect(text).toContain("(q < 4) || ((kv < 4) && (q >= kv))");
    const b = analyze("flex2.scoremod.ts", text);
    expect(b.mods[0]!.ok).toBe(true);
  });

  test("`&` between a boolean and a number stays SM120 (no fix: the types differ)", () => {
    const a = analyze("flex3.scoremod.ts", flexFile("((q >= kv) & (kv + 1)) !== 0"));
    expect(a.diagnostics.some((d) => d.code === "SM170")).toBe(false);
  });
});
