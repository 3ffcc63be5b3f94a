// Every diagnostic code of the analysis either has a quick fix or is listed below as one that
// cannot have one, with the reason. A new code in codes.ts or modChecks.ts fails this test until
// it is given a fix (and a case here) or a reason.
import { describe, expect, it } from "vitest";
import { analyze, type AnalyzeOptions } from "../../../server/src/analysis/index";
import { SM } from "../../../server/src/analysis/codes";
import * as modChecks from "../../../server/src/analysis/modChecks";
import type { Diagnostic } from "../../../server/src/analysis/facts";
import type { TargetId } from "../../../server/src/analysis/targets";

const ALL_CODES = [
  ...Object.values(SM),
  ...Object.entries(modChecks).filter(([k, v]) => k.startsWith("SM_") && typeof v === "string").map(([, v]) => v as string),
].sort();

const IMPORTS = `import { bf16, dim, f32, i32, scalar, scoreMod, maskMod, tensor } from "scoremod";\n`;
const score = (body: string, opts = "") => `${IMPORTS}export const m = scoreMod(${opts}(score, b, h, q, kv) => ${body});\n`;
const decl = (decls: string, body: string, opts = "") => `${IMPORTS}${decls}\nexport const m = scoreMod(${opts}(score, b, h, q, kv) => ${body});\n`;

/** A file (and options) that raises the code, for each code that has a fix. */
const FIXABLE: Record<string, { text: string; target?: TargetId; opts?: AnalyzeOptions }> = {
  [SM.unsupportedCall]: { text: score("Math.exp(score)") },
  [SM.mutation]: { text: score("{ var x = score * 2; return x; }") },
  [SM.unknownScalar]: { text: decl(`export const cap = scalar("cap", f32, 1.0);`, "score * cap") },
  [SM.unreachable]: { text: score("{ return score; const x = 1; }") },
  [SM.notImported]: { text: score("score + idiv(kv, 2)") },
  [SM.flexBoolOp]: { text: `${IMPORTS}export const m = maskMod((b, h, q, kv) => (q >= kv) & (q < kv + 4));\n` },
  [SM.indexOutOfRange]: { text: decl(`export const t = tensor("t", f32, ["KV"]);`, "score + t.at(kv + 1)") },
  [SM.indexUnproven]: { text: decl(`export const ids = tensor("ids", i32, ["KV"]);\nexport const t = tensor("t", f32, ["KV"]);`, "score + t.at(ids.at(kv))") },
  [SM.indexNeedsSizes]: { text: decl(`export const t = tensor("t", f32, ["TOTAL_K"]);`, "score + t.at(kv)") },
  [modChecks.SM_FA4_MASK_VEC]: { text: `${IMPORTS}export const m = maskMod({ vecSize: 2 }, (b, h, q, kv) => q >= kv);\n`, target: "fa4-sm90" },
  [modChecks.SM_V_NOT_POW2]: { text: score("score", "{ vecSize: 3 }, ") },
  [modChecks.SM_V_NOT_DIVIDING_TILE]: { text: score("score", "{ vecSize: 256 }, "), target: "fa4-sm100" },
  [modChecks.SM_V_OVER_CAP]: { text: score("score", "{ vecSize: 4 }, "), target: "fa4-sm90" },
  [modChecks.SM_REGISTERS]: { text: decl(`export const t = tensor("t", i32, ["B", "Q"]);`, "score + t.at(b, q - kv)", "{ vecSize: 128 }, "), target: "fa4-sm100" },
  [modChecks.SM_V_CLIFF]: { text: decl(`export const t = tensor("t", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 128 } });`, "score + t.at(b, h, kv)", "{ vecSize: 128 }, "), target: "fa4-sm100" },
  [modChecks.SM_LOAD_NARROW]: { text: decl(`export const t = tensor("t", bf16, ["B", "H", "KV"], { align: 8, divisible: { KV: 8 } });`, "score + t.at(b, h, kv)", "{ vecSize: 8 }, ") },
};

/** Codes that cannot have a quick fix, and why. */
const NO_FIX: Record<string, string> = {
  [SM.unsupportedSyntax]: "what to write instead depends on what the user meant (a string, an object, element access...)",
  [SM.loop]: "a loop has no closed form the analysis could write for the user",
  [SM.closure]: "inlining a function body is the user's restructuring",
  [SM.unknownName]: "the analysis cannot know which value was meant; TypeScript's own diagnostic at the name carries its spelling and import fixes",
  [SM.floatIndex]: "rounding (floor, ceil, idiv) is the user's choice and changes which element is read",
  [SM.vecSizeNotConstant]: "which constant the expression stands for is the user's choice",
  [SM.intOpOnFloat]: "whether to round first or use '/' changes the result: the user's choice",
  [SM.missingReturn]: "the value the missing path returns is the user's",
  [SM.maskNotBool]: "which comparison turns the number into a mask is the user's",
  [SM.scoreNotNumber]: "which score a boolean stands for is the user's",
  [SM.unknownTensor]: "which tensor was meant (or its declaration) is the user's",
  [SM.dimNotLiteral]: "which dim the expression names is the user's",
  [SM.badTensorDecl]: "many shapes of mistake; the message says which argument, the value is the user's",
  [SM.badScalarDecl]: "many shapes of mistake; the message says which argument, the value is the user's",
  [SM.badModDecl]: "the function's form (async, destructured parameters...) is the user's to rewrite",
  [SM.typeMismatch]: "whether a boolean or a number was meant is the user's",
  [SM.duplicateName]: "a new name for one of them is the user's",
  [SM.nameCollision]: "a new name for one of the mods is the user's",
  [SM.constIntArg]: "the exponent is the user's (the message gives the exp2/log2 form for other exponents)",
  [SM.intOutOfRange]: "the intended constant is the user's",
  [SM.badOption]: "the option comes from a CLI flag or an editor setting, not from the file",
  [SM.noMods]: "the file needs the user's mod; a template would be code they did not write",
  [SM.offsetOverflowsInt32]: "FA4's int32 index math is FA4's; no edit to the mod changes the problem size",
  [SM.tooComplex]: "simplifying a file past the limits is the user's restructuring",
  [SM.overBudget]: "simplifying a file past the budget is the user's restructuring",
  [SM.checkerFailed]: "TypeScript's checker failed on malformed code: the syntax and name errors come first",
  [SM.internal]: "a bug in the analysis, to be reported, not fixed in the file",
  [SM.recursion]: "turning recursion into a loop or a closed form is the user's restructuring",
  [SM.impure]: "whether the mutable value should be a const, a parameter or a scalar is the user's",
  [SM.inlineLimit]: "which calls or loops to shorten is the user's restructuring",
  [SM.loopTooLong]: "precomputing or splitting the loop is the user's restructuring",
  [SM.loopForm]: "which constant bound or header form was meant is the user's",
  [modChecks.SM_FA4_NO_SCORE_MOD]: "the target (FA4 on sm80) runs no score mods: a target choice, not an edit",
  [modChecks.SM_FA4_FORWARD_ONLY]: "FA4's backward on the target asserts no mods: a target choice, not an edit",
  [modChecks.SM_LOAD_GATHER]: "the index's lane pattern is the mod's math; no edit keeps its meaning and vectorizes it",
};

const at = (ds: Diagnostic[], code: string) => ds.filter((d) => d.code === code);

describe("quick-fix coverage", () => {
  it("every code has a fix case or a reason, and not both", () => {
    const listed = [...Object.keys(FIXABLE), ...Object.keys(NO_FIX)].sort();
    expect(listed).toEqual(ALL_CODES);
    expect(Object.keys(FIXABLE).filter((c) => c in NO_FIX)).toEqual([]);
  });

  for (const [code, c] of Object.entries(FIXABLE)) {
    it(`${code} carries a fix, and applying the first removes it there`, () => {
      const f = `/x/${code}.scoremod.ts`;
      const a = analyze(f, c.text, { target: c.target, ...c.opts });
      const d = at(a.diagnostics, code)[0];
      expect(d, JSON.stringify(a.diagnostics.map((x) => [x.code, x.message]))).toBeDefined();
      expect(d!.fixes?.length ?? 0).toBeGreaterThan(0);
      const fixed = applyEdits(c.text, d!.fixes![0]!.edits);
      const after = analyze(f, fixed, { target: c.target, ...c.opts });
      expect(at(after.diagnostics, code).filter((x) => x.range.start.line === d!.range.start.line), `${d!.fixes![0]!.title}\n${fixed}`).toEqual([]);
    });
  }
});

function applyEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lines = text.split("\n");
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((s, l) => s + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((x, y) => off(y.range.start) - off(x.range.start))) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}
