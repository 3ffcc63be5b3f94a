// Fix builders: edits computed from an OptionsSite, applied to real text.
import { describe, expect, it } from "vitest";
import type { OptionsSite, TextEdit } from "../../../server/src/analysis/facts";
import { declareDivisibleFix, importEdit, insertProp, setFactInObject, setOptionFix, textIn } from "../../../server/src/analysis/fixes";
import { analyze } from "../../../server/src/analysis/index";
import { rng, site } from "./classifyHelpers";

/** Applies single-line edits to a one-line document (enough for these sites). */
function apply(doc: string, edits: TextEdit[]): string {
  let out = doc;
  for (const e of [...edits].sort((x, y) => y.range.start.character - x.range.start.character)) {
    out = out.slice(0, e.range.start.character) + e.newText + out.slice(e.range.end.character);
  }
  return out;
}
/** A document line with the options text at column 10, as site() assumes. */
const line = (obj: string): string => `${"x".repeat(10)}${obj}`;

describe("insertProp", () => {
  it.each([
    ["{}", "{ align: 16 }"],
    ["{ }", "{ align: 16 }"],
    ["{ vecSize: 8 }", "{ vecSize: 8, align: 16 }"],
    ["{ vecSize: 8, }", "{ vecSize: 8, align: 16 }"],
    ["{\n  vecSize: 8\n}", "{\n  vecSize: 8, align: 16 }"],
  ])("%s", (text, want) => expect(insertProp(text, "align", "16")).toBe(want));
  it("refuses text that is not an object literal", () => expect(insertProp("opts", "a", "1")).toBeNull());
  it("quotes keys that are not identifiers", () => expect(insertProp("{}", "my-dim", "8")).toBe(`{ "my-dim": 8 }`));
});

describe("setOptionFix", () => {
  it("replaces an existing property's value", () => {
    const obj = "{ align: 4, init: { range: [0, 2] } }";
    const f = setOptionFix(site(obj), "align", "16", "t", "last");
    expect(apply(line(obj), f?.edits ?? [])).toBe(line("{ align: 16, init: { range: [0, 2] } }"));
  });
  it("adds a property to an existing object", () => {
    const obj = "{ init: { segments: 8 } }";
    const f = setOptionFix(site(obj), "align", "16", "t", "last");
    expect(apply(line(obj), f?.edits ?? [])).toBe(line("{ init: { segments: 8 }, align: 16 }"));
  });
  it("adds a trailing options argument to tensor()", () => {
    const s = site(null);
    const f = setOptionFix(s, "align", "16", "t", "last");
    expect(f?.edits).toEqual([{ range: rng(5, 40, 40), newText: ", { align: 16 }" }]);
  });
  it("adds a leading options argument to scoreMod()", () => {
    const f = setOptionFix(site(null), "vecSize", "8", "t", "first");
    expect(f?.edits[0].newText).toBe("{ vecSize: 8 }, ");
  });
  it("gives no fix when the options are not an object literal", () => {
    const s: OptionsSite = { range: rng(5, 10, 14), text: "opts", props: {}, insertAt: rng(5, 13, 13) };
    expect(setOptionFix(s, "align", "16", "t", "last")).toBeNull();
  });
});

describe("declareDivisibleFix", () => {
  it("adds divisible when there is none", () => {
    const obj = "{ align: 16 }";
    const f = declareDivisibleFix(site(obj), { KV: 8 }, "t");
    expect(apply(line(obj), f?.edits ?? [])).toBe(line("{ align: 16, divisible: { KV: 8 } }"));
  });
  it("merges into an existing divisible object", () => {
    const obj = "{ align: 16, divisible: { H: 2 } }";
    const f = declareDivisibleFix(site(obj), { KV: 8 }, "t");
    expect(apply(line(obj), f?.edits ?? [])).toBe(line("{ align: 16, divisible: { H: 2, KV: 8 } }"));
  });
  it("raises an existing fact", () => {
    const obj = "{ divisible: { KV: 2, H: 4 } }";
    const f = declareDivisibleFix(site(obj), { KV: 16 }, "t");
    expect(apply(line(obj), f?.edits ?? [])).toBe(line("{ divisible: { KV: 16, H: 4 } }"));
  });
  it("adds the options argument when the tensor has none", () => {
    const f = declareDivisibleFix(site(null), { KVP: 8, H: 2 }, "t");
    expect(f?.edits[0].newText).toBe(", { divisible: { H: 2, KVP: 8 } }");
  });
  it("reads a value range across lines", () => {
    const text = "{\n  align: 16,\n  divisible: { KV: 2 },\n}";
    const s: OptionsSite = {
      range: { start: { line: 3, character: 50 }, end: { line: 6, character: 1 } }, text,
      props: { divisible: { start: { line: 5, character: 13 }, end: { line: 5, character: 22 } } },
      insertAt: { start: { line: 6, character: 0 }, end: { line: 6, character: 0 } },
    };
    expect(textIn(s, s.props.divisible)).toBe("{ KV: 2 }");
    expect(declareDivisibleFix(s, { KV: 8 }, "t")?.edits).toEqual([{ range: s.props.divisible, newText: "{ KV: 8 }" }]);
  });
  it("setFactInObject handles quoted keys", () => expect(setFactInObject(`{ "KV": 2 }`, "KV", 8)).toBe(`{ "KV": 8 }`));
});

describe("importEdit", () => {
  const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });
  it("adds names to the import from scoremod, or a new import line after the last import", () => {
    expect(importEdit(`import { scoreMod } from "scoremod";\n`, ["idiv"])).toEqual({ range: at(0, 17), newText: ", idiv" });
    expect(importEdit(`// header\nimport x from "./other";\nexport const m = 1;\n`, ["idiv"])).toEqual({ range: at(2, 0), newText: `import { idiv } from "scoremod";\n` });
    expect(importEdit(`export const m = 1;\n`, ["idiv"])).toEqual({ range: at(0, 0), newText: `import { idiv } from "scoremod";\n` });
    expect(importEdit(`import { idiv } from "scoremod";`, ["idiv"])).toBe("none");
    // A name bound to another export cannot be added safely.
    expect(importEdit(`import { exp as idiv } from "scoremod";`, ["idiv"])).toBeNull();
  });
  it("SM128 only for a name the file binds nowhere (a helper of the user's is inlined)", () => {
    const body = "export const m = scoreMod((score, b, h, q, kv) => score + idiv(kv, 2));\n";
    expect(analyze("/x/a.scoremod.ts", `import { scoreMod } from "scoremod";\n${body}`).diagnostics.map((d) => d.code)).toEqual(["SM128"]);
    const own = analyze("/x/b.scoremod.ts", `import { scoreMod } from "scoremod";\nfunction idiv(a: number, b: number) { return a; }\n${body}`).diagnostics.map((d) => d.code);
    expect(own).not.toContain("SM128");
    expect(own).toEqual([]);
  });
});
