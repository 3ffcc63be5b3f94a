// Hostile inputs that overflow TypeScript's recursive parser/checker or make it superlinear:
// the analysis must answer with a located SM150 error, never throw or report SM199.
import { describe, expect, it } from "vitest";
import { AnalysisHost, analyze } from "../../../server/src/analysis/index";
import { checkLimits, MAX_DEPTH, neutralizeDocComments } from "../../../server/src/analysis/limits";

const H = `import { scoreMod, tensor, bf16 } from "scoremod";\nexport const t = tensor("t", bf16, ["KV"]);\n`;
const mod = (body: string) => `${H}export const m = scoreMod((s, b, h, q, kv) => ${body});\n`;

const cases: [string, string][] = [
  ["3,000 nested parentheses", mod(`${"(".repeat(3000)}s${")".repeat(3000)}`)],
  ["a chain of 20,000 additions", mod(`s${" + 1".repeat(20000)}`)],
  ["3,000 nested ternaries", mod(`${"q > kv ? s : ".repeat(3000)}s`)],
  ["1,500 nested ifs", `${H}export const m = scoreMod((s, b, h, q, kv) => { ${"if (q > kv) { ".repeat(1500)} return s; ${"}".repeat(1500)} return s; });\n`],
  ["1,000 nested loads", mod(`${"t.at(".repeat(1000)}kv${")".repeat(1000)}`)],
  ["3,000 mods", H + Array.from({ length: 3000 }, (_, i) => `export const m${i} = scoreMod((s, b, h, q, kv) => s + t.at(kv));`).join("\n")],
  ["3,000 consts each defined by the next", `${mod("s + C0")}${Array.from({ length: 3000 }, (_, i) => `const C${i} = C${i + 1} + 1;`).join("\n")}\nconst C3000 = 1;\n`],
];

describe("limits", () => {
  for (const [name, text] of cases) {
    it(`${name}: SM150, no internal error`, () => {
      const a = analyze("hostile.scoremod.ts", text);
      expect(a.diagnostics.some((d) => d.code === "SM150")).toBe(true);
      expect(a.diagnostics.filter((d) => d.code === "SM199")).toEqual([]);
    });
  }

  it("ordinary nesting is within the limits", () => {
    expect(checkLimits(mod(`${"(".repeat(50)}s${")".repeat(50)}`))).toBeNull();
    expect(checkLimits(mod(`s${" + 1".repeat(100)}`))).toBeNull();
  });

  it("locates the violation at the deep expression", () => {
    const text = mod(`s${" + 1".repeat(MAX_DEPTH + 50)}`);
    const a = analyze("deep.scoremod.ts", text);
    const d = a.diagnostics.find((x) => x.code === "SM150");
    expect(d?.range.start.line).toBe(2);
  });

  it("a host recovers when the file is edited back within the limits", () => {
    const host = new AnalysisHost();
    host.setFile("r.scoremod.ts", mod(`${"(".repeat(3000)}s${")".repeat(3000)}`));
    expect(host.analyze("r.scoremod.ts").diagnostics.map((d) => d.code)).toEqual(["SM150"]);
    host.setFile("r.scoremod.ts", mod("s + t.at(kv)"));
    const a = host.analyze("r.scoremod.ts");
    expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(a.mods[0].loads).toHaveLength(1);
  });
});

describe("doc comments TypeScript's JSDoc parser never returns on", () => {
  // Found by scripts/fuzz.mjs: truncated examples ending in "/** Per-he" and "/** Per-" hung the analysis.
  for (const tail of ["/** Per-he", "/** a-bc", "/** @param a-bc", "/** a-b\n"]) {
    it(`a file ending in ${JSON.stringify(tail)} gets TypeScript's TS1010 and analyses`, () => {
      const text = `${mod("s + t.at(kv)")}${tail}`;
      const a = analyze("open.scoremod.ts", text);
      const d = a.diagnostics.find((x) => x.code === "TS1010");
      expect(d?.message).toBe("'*/' expected.");
      expect(a.mods[0].loads).toHaveLength(1);
    });
  }

  for (const text of ["/** a-*/\n" + mod("s"), "// c\n/** Per-*/\n" + mod("s")]) {
    it(`a closed doc comment such as ${JSON.stringify(text.slice(0, 14))} before the first statement analyses`, () => {
      const a = analyze("closed.scoremod.ts", text);
      expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(a.mods).toHaveLength(1);
    });
  }

  it("neutralizes doc-comment openers only, keeping the length (strings and plain comments untouched)", () => {
    expect(neutralizeDocComments("x; /** a-bc */ y")).toBe("x; /*  a-bc */ y");
    expect(neutralizeDocComments("const s = \"/** a\"; /* b */ /**/")).toBe("const s = \"/** a\"; /* b */ /**/");
    const text = `/** doc */\n${mod("s")}/** a-bc`;
    expect(neutralizeDocComments(text)).toHaveLength(text.length);
  });

  it("errors TypeScript reports at the end of the text stay inside it", () => {
    // Found by scripts/fuzz.mjs (seed 3, case 56): an unclosed call before the comment.
    const text = `${mod("s + t.at(kv)")}export const n = scoreMod((s) => abs(s /** a-bc`;
    const a = analyze("open2.scoremod.ts", text);
    const lines = text.split("\n");
    for (const d of a.diagnostics) {
      expect(d.range.end.line).toBeLessThan(lines.length);
      expect(d.range.end.character).toBeLessThanOrEqual(lines[d.range.end.line].length);
    }
    expect(a.diagnostics.map((d) => d.code)).toContain("TS1010");
  });
});
