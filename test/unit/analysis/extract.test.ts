// Extraction and typing of mod bodies, and the frontend's domain errors, table-driven:
// each row is a mod declaration appended to HEADER, the IR it must produce (typed), and the
// exact diagnostic codes (ours and TypeScript's) it must raise.
import { describe, expect, it } from "vitest";
import { TsProgram } from "../../../server/src/analysis/program";
import { extract, type Extraction } from "../../../server/src/analysis/extract";
import { HEADER, showStmts } from "./frontendHelpers";

const program = new TsProgram();
let n = 0;

function run(text: string): { ex: Extraction; ts: string[]; text: string } {
  const name = `case${n++}.scoremod.ts`;
  program.setFile(name, text);
  const tsDiags = program.diagnostics(name);
  const sf = program.sourceFile(name);
  if (!sf) throw new Error("no source file");
  return { ex: extract(sf), ts: tsDiags.map((d) => d.code), text };
}

interface Expected {
  /** showStmts of the (single) mod's body. */
  ir?: string;
  /** Our diagnostic codes, in order. Default: none. */
  codes?: string[];
  /** TypeScript's codes, in order. Default: none. */
  ts?: string[];
  ok?: boolean;
  /** Source text of each diagnostic's range, in order (checks the location). */
  at?: string[];
}

function check(mod: string, want: Expected): void {
  const { ex, ts, text } = run(HEADER + mod + "\n");
  const codes = ex.diagnostics.map((d) => d.code);
  expect({ codes, ts }).toEqual({ codes: want.codes ?? [], ts: want.ts ?? [] });
  const m = ex.mods[0];
  if (!m) { expect(want.ir).toBeUndefined(); return; }
  if (want.ir !== undefined) expect(showStmts(m.body)).toBe(want.ir);
  if (want.ok !== undefined) expect(m.ok).toBe(want.ok);
  else expect(m.ok).toBe(codes.every((c) => c === "SM122"));
  if (want.at) {
    const lines = text.split("\n");
    const slice = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) =>
      r.start.line === r.end.line ? lines[r.start.line].slice(r.start.character, r.end.character) : "<multiline>";
    expect(ex.diagnostics.map((d) => slice(d.range))).toEqual(want.at);
  }
}

const S = (body: string) => `export const m = scoreMod((s, b, h, q, kv) => ${body});`;
const SB = (body: string) => `export const m = scoreMod((s, b, h, q, kv) => { ${body} });`;
const M = (body: string) => `export const m = maskMod((b, h, q, kv) => ${body});`;

describe("extraction to typed IR", () => {
  const rows: [string, string, Expected][] = [
    ["expression body with a load", S("s + kvBias.at(b, h, kv)"), { ir: "return (+ s:f (at#0 kvBias b:i h:i kv:i):f):f;" }],
    ["int arithmetic stays int", S("s + (q - kv) * 2"), { ir: "return (+ s:f (* (- q:i kv:i):i 2:i):i):f;" }],
    ["'/' is float even on ints", S("s + kv / 2"), { ir: "return (+ s:f (/ kv:i 2:i):f):f;" }],
    ["a literal with a fraction is float", S("s * 2.0"), { ir: "return (* s:f 2:f):f;" }],
    ["an exponent literal is float", S("s * 1e3"), { ir: "return (* s:f 1000:f):f;" }],
    ["idiv and % are int", S("s + idiv(kv, 2) + kv % 8"), { ir: "return (+ (+ s:f (idiv kv:i 2:i):i):f (% kv:i 8:i):i):f;" }],
    ["min/max keep int, float math is float", S("s + min(kv, 3) + max(q, 1.5) + floor(kv) + exp(s)"),
      { ir: "return (+ (+ (+ (+ s:f (min kv:i 3:i):i):f (max q:i 1.5:f):f):f (floor kv:i):f):f (exp s:f):f):f;" }],
    ["ternary with comparison", S("q >= kv ? s : -Infinity"), { ir: "return (? (>= q:i kv:i):b s:f -Infinity:f):f;" }],
    ["=== and !== map to == and !=", M("ids.at(b, q) === ids.at(b, kv) && q !== kv"),
      { ir: "return (&& (== (at#0 ids b:i q:i):i (at#1 ids b:i kv:i):i):b (!= q:i kv:i):b):b;" }],
    ["bool tensor and !", M("!flags.at(b, kv) || q >= kv"), { ir: "return (|| (! (at#0 flags b:i kv:i):b):b (>= q:i kv:i):b):b;" }],
    ["parentheses disappear", S("((s))"), { ir: "return s:f;" }],
    ["module consts are inlined", S("s + (kv < W ? HALF : 0)"), { ir: "return (+ s:f (? (< kv:i 256:i):b 0.5:f 0:i):f):f;" }],
    ["scalars and dims", S("s * cap.value + (kv < dim(\"KV\") - win.value ? 1 : 0)"),
      { ir: "return (+ (* s:f $cap:f):f (? (< kv:i (- dim(KV):i $win:i):i):b 1:i 0:i):i):f;" }],
    ["block body: const, if/else, return", SB("const d = q - kv; if (d < 0) { return s; } else if (d > 8) return s - 1; const t = tanh(s); return t;"),
      { ir: "const d = (- q:i kv:i):i; if (< d:i 0:i):b { return s:f; } else { if (> d:i 8:i):b { return (- s:f 1:i):f; } else {  } } const t = (tanh s:f):f; return t:f;" }],
    ["if without else then return", SB("if (q < kv) return -Infinity; return s;"),
      { ir: "if (< q:i kv:i):b { return -Infinity:f; } else {  } return s:f;" }],
    ["loads numbered in source order, outer first", S("s + kvBias.at(b, h, ids.at(b, kv)) + kvBias.at(b, h, kv)"),
      { ir: "return (+ (+ s:f (at#0 kvBias b:i h:i (at#1 ids b:i kv:i):i):f):f (at#2 kvBias b:i h:i kv:i):f):f;" }],
    ["bitwise ops on ints", M("((ids.at(b, idiv(kv, 32)) >> (kv % 32)) & 1) == 1"),
      { ir: "return (== (& (>> (at#0 ids b:i (idiv kv:i 32:i):i):i (% kv:i 32:i):i):i 1:i):i 1:i):b;" }],
    ["fewer params than roles", "export const m = scoreMod((score) => 30 * tanh(score / 30));",
      { ir: "return (* 30:i (tanh (/ score:f 30:i):f):f):f;" }],
    ["function expression and options", "export const m = scoreMod({ vecSize: 4 }, function (s, b, h, q, kv) { return s; });", { ir: "return s:f;" }],
    ["clamp keeps int on ints, float otherwise", S("s + clamp(kv - q, -8, 8) + clamp(s, -1, 1.5)"),
      { ir: "return (+ (+ s:f (clamp (- kv:i q:i):i -8:i 8:i):i):f (clamp s:f -1:i 1.5:f):f):f;" }],
    ["pow with a literal or module-const exponent is float", S("s - pow(q - kv, 2) + pow(s, -W / W)".replace("-W / W", "-3")),
      { ir: "return (+ (- s:f (pow (- q:i kv:i):i 2:i):f):f (pow s:f -3:i):f):f;" }],
    ["type annotations and `as`", "export const m = scoreMod((s: number, b: number, h: number, q: number, kv: number) => (s as number) + 1);",
      { ir: "return (+ s:f 1:i):f;" }],
  ];
  for (const [name, src, want] of rows) it(name, () => check(src, want));
});

describe("domain errors", () => {
  const rows: [string, string, Expected][] = [
    ["float used as an index", S("s + kvBias.at(b, h, kv / 2)"), { codes: ["SM106"], at: ["kv / 2"] }],
    ["float math result used as an index", S("s + kvBias.at(b, h, floor(kv))"), { codes: ["SM106"] }],
    ["% on a float", S("s % 2"), { codes: ["SM110"], at: ["s % 2"] }],
    ["idiv on a float", S("idiv(s, 2)"), { codes: ["SM110"], at: ["s"] }],
    ["bitwise op on a float", S("s + (s & 1)"), { codes: ["SM110"] }],
    ["missing return on a path", SB("if (q > kv) return s;"), { codes: ["SM111"], ts: ["TS2345"] }],
    ["return with no value", SB("return;"), { codes: ["SM111"], ts: ["TS2345"] }],
    ["mask returning a number", M("q - kv"), { codes: ["SM112"], ts: ["TS2322"], at: ["q - kv"] }],
    ["score returning a boolean", S("q >= kv"), { codes: ["SM113"], ts: ["TS2322"] }],
    ["for loop with a run-time bound", SB("for (let i = 0; i < q; i++) {} return s;"), { codes: ["SM184"], at: ["q"] }],
    ["while loop", SB("while (s > 0) {} return s;"), { codes: ["SM102"] }],
    ["var binding", SB("var x = 1; return s + x;"), { codes: ["SM103"] }],
    ["assignment", SB("const x = 1; x = 2; return s;"), { codes: ["SM103"], ts: ["TS2588"] }],
    ["increment", S("s + kv++"), { codes: ["SM103"] }],
    ["closure", SB("const f = (x: number) => x; return s;"), { codes: ["SM104"] }],
    ["nested function declaration", SB("function f() { return 1; } return s;"), { codes: ["SM104"] }],
    ["unknown name", S("s + foo"), { codes: ["SM105"], ts: ["TS2304"], at: ["foo"] }],
    [".at on a scalar", S("s + cap.at(b)"), { codes: ["SM114"], ts: ["TS2339"], at: ["cap"] }],
    ["tensor used without .at", S("s + kvBias"), { codes: ["SM114"], ts: ["TS2365"] }],
    ["scalar used without .value", S("s + cap"), { codes: ["SM115"], ts: ["TS2365"] }],
    [".value on a tensor", S("s + kvBias.value"), { codes: ["SM115"], ts: ["TS2339"] }],
    ["dim without a literal", S("s + dim(q as any)"), { codes: ["SM116"] }],
    ["Math.exp", S("Math.exp(s)"), { codes: ["SM101"] }],
    ["unknown call", S("s + tensor(\"x\", f32, [1]).at(0)"), { codes: ["SM114"] }],
    ["calling scoreMod inside a body", S("s + (scoreMod as any)(1)"), { codes: ["SM101"] }],
    ["string literal", S("s + \"a\".length"), { codes: ["SM100"] }],
    ["** operator", S("s ** 2"), { codes: ["SM100"], at: ["**"] }],
    ["element access", S("s + [1, 2][kv]"), { codes: ["SM100"] }],
    ["&& on numbers", S("(q && kv) ? s : 0"), { codes: ["SM120"] }],
    ["& on booleans (Flex spelling): SM170 at the operator", M("(q >= kv) & (kv < 8)"), { codes: ["SM170"], ts: ["TS2322", "TS2447"], at: ["&"], ok: false }],
    ["| on booleans: SM170", M("q >= kv | kv < 8"), { codes: ["SM170"], ts: ["TS2322", "TS2447"], at: ["|"], ok: false }],
    ["pow with a run-time exponent", S("pow(s, q - kv)"), { codes: ["SM171"], at: ["q - kv"] }],
    ["pow with a float exponent", S("pow(s, 0.5)"), { codes: ["SM171"], at: ["0.5"] }],
    ["pow with an exponent out of range", S("pow(s, 33)"), { codes: ["SM171"], at: ["33"] }],
    ["number as a condition", S("q ? s : 0"), { codes: ["SM120"] }],
    ["arithmetic on a bool load", S("s + (flags.at(b, kv) ? 1 : 0) + (q > kv ? 1 : 0)"), { ok: true }],
    ["mixed ternary branches", S("q > kv ? s : q > 0"), { codes: ["SM120"], ts: ["TS2322"] }],
    ["code after return warns", SB("return s; const x = 1;"), { codes: ["SM122"] }],
    ["int literal out of range", S("s + 3000000000 * kv"), { codes: ["SM126"] }],
    ["non-constant vecSize", "let v = 8;\nexport const m = scoreMod({ vecSize: v }, (s) => s);", { codes: ["SM107"], ok: false }],
    ["vecSize value rules are the classifier's", "export const m = scoreMod({ vecSize: 6 }, (s) => s);", { codes: [], ok: true }],
    ["mod function neither inline nor a helper", "const f = 3;\nexport const m = scoreMod(f as any);", { codes: ["SM119"] }],
    ["mod declared with let", "export let m = scoreMod((s) => s);", { codes: ["SM119"] }],
    ["unnamed default-exported mod", "export default maskMod((b, h, q, kv) => q >= kv);", { codes: ["SM119"] }],
    ["destructured parameter", "export const m = scoreMod(({ x }: any) => 1);", { codes: ["SM119"] }],
    ["async mod", "export const m = scoreMod(async (s) => s);", { codes: ["SM119"], ts: ["TS2322"] }],
    ["several errors in one body are all reported", S("(s % 2) + kvBias.at(b, h, kv / 2) + foo"),
      { codes: ["SM110", "SM106", "SM105"], ts: ["TS2304"] }],
  ];
  for (const [name, src, want] of rows) it(name, () => check(src, want));

  it("TypeScript reports a wrong number of .at() indices; the load is not classified", () => {
    const { ex, ts } = run(HEADER + S("s + kvBias.at(b, kv)") + "\n");
    expect(ts).toEqual(["TS2554"]);
    expect(ex.diagnostics).toEqual([]);
    expect(ex.mods[0].ok).toBe(false);
  });
});

describe("declarations", () => {
  it("reads tensor facts: dtype, shape, default row-major strides, align, divisibility", () => {
    const { ex } = run(HEADER + S("s") + "\n");
    const kv = ex.tensors.find((t) => t.varName === "kvBias");
    expect(kv).toMatchObject({
      name: "kv_bias", dtype: "bf16", elemBytes: 2, shape: ["B", "H", "KV"], align: 16, alignExplicit: true,
      unitStrideDim: 2, divisible: { KV: 8 },
      strides: [[{ c: 1, vars: ["H", "KV"] }], [{ c: 1, vars: ["KV"] }], [{ c: 1, vars: [] }]],
    });
    const idsT = ex.tensors.find((t) => t.varName === "ids");
    expect(idsT).toMatchObject({ align: 4, alignExplicit: false, options: { range: null, text: null } });
    expect(ex.divisible).toEqual({ KV: 8 });
    expect(ex.scalars).toEqual([
      expect.objectContaining({ varName: "cap", name: "cap", dtype: "f32", defaultValue: 30 }),
      expect.objectContaining({ varName: "win", name: "win", dtype: "i32", defaultValue: 128 }),
    ]);
  });

  it("leadingDim moves a dim innermost; explicit strides parse products; numeric dims multiply", () => {
    const { ex } = run(`import { tensor, bf16 } from "scoremod";
export const a = tensor("a", bf16, ["B", "KV", "H"], { leadingDim: 1 });
export const c = tensor("c", bf16, ["H", "KV"], { strides: ["2 * KV + 8", 1] });
export const d = tensor("d", bf16, ["H", 257]);
`);
    expect(ex.diagnostics).toEqual([]);
    expect(ex.tensors[0].strides).toEqual([[{ c: 1, vars: ["H", "KV"] }], [{ c: 1, vars: [] }], [{ c: 1, vars: ["KV"] }]]);
    expect(ex.tensors[0].unitStrideDim).toBe(1);
    expect(ex.tensors[1].strides).toEqual([[{ c: 2, vars: ["KV"] }, { c: 8, vars: [] }], [{ c: 1, vars: [] }]]);
    expect(ex.tensors[2].strides).toEqual([[{ c: 257, vars: [] }], [{ c: 1, vars: [] }]]);
  });

  it("merges divisibility facts file-wide with the lcm", () => {
    const { ex } = run(`import { tensor, bf16 } from "scoremod";
export const a = tensor("a", bf16, ["KV"], { divisible: { KV: 8 } });
export const b = tensor("b", bf16, ["KV"], { divisible: { KV: 16, H: 2 } });
export const c = tensor("c", bf16, ["KV"], { divisible: { KV: 12 } });
`);
    expect(ex.divisible).toEqual({ KV: 48, H: 2 });
  });

  it("locates options objects and insertion points for fixes", () => {
    const text = `import { tensor, bf16, scoreMod } from "scoremod";
export const a = tensor("a", bf16, ["KV"], { align: 16 });
export const b = tensor("b", bf16, ["KV"]);
export const m = scoreMod({ vecSize: 8 }, (s) => s);
export const n = scoreMod((s) => s);
`;
    const { ex } = run(text);
    const lines = text.split("\n");
    const [a, b] = ex.tensors;
    expect(a.options.text).toBe("{ align: 16 }");
    const ar = a.options.props.align;
    expect(lines[ar.start.line].slice(ar.start.character, ar.end.character)).toBe("16");
    expect(b.options.range).toBeNull();
    expect(b.options.insertAt.start).toEqual({ line: 2, character: lines[2].indexOf(");") });
    expect(ex.mods[0].options.text).toBe("{ vecSize: 8 }");
    expect(ex.mods[0].vecSize).toBe(8);
    expect(ex.mods[1].options.insertAt.start).toEqual({ line: 4, character: lines[4].indexOf("(s)") });
    expect(ex.mods[1].vecSize).toBeNull();
    expect(ex.mods.map((m) => [m.name, m.kind, m.params])).toEqual([["m", "score", ["s"]], ["n", "score", ["s"]]]);
  });

  const bad: [string, string, string[]][] = [
    ["non-literal tensor name", `const nm = "x" + "y";\nexport const t = tensor(nm, bf16, ["KV"]);`, ["SM117"]],
    ["tensor name not an identifier", `export const t = tensor("kv bias", bf16, ["KV"]);`, ["SM117"]],
    ["dtype not from scoremod", `const dt = bf16;\nexport const t = tensor("t", dt, ["KV"]);`, ["SM117"]],
    ["shape not an array literal", `const sh = ["KV"] as const;\nexport const t = tensor("t", bf16, sh);`, ["SM117"]],
    ["align not a power of two", `export const t = tensor("t", bf16, ["KV"], { align: 12 });`, ["SM117"]],
    ["strides and leadingDim together", `export const t = tensor("t", bf16, ["H", "KV"], { strides: [1, "H"], leadingDim: 0 });`, ["SM117"]],
    ["strides of the wrong length", `export const t = tensor("t", bf16, ["H", "KV"], { strides: [1] });`, ["SM117"]],
    ["bad divisibility", `export const t = tensor("t", bf16, ["KV"], { divisible: { KV: 0 } });`, ["SM117"]],
    ["duplicate tensor names", `export const t = tensor("t", bf16, ["KV"]);\nexport const u = tensor("t", f32, ["KV"]);`, ["SM123"]],
    ["tensor declared with let", `export let t = tensor("t", bf16, ["KV"]);`, ["SM117"]],
    ["unnamed default-exported tensor", `export default tensor("t", bf16, ["KV"]);`, ["SM117"]],
    ["scalar with a bf16 dtype", `export const c = scalar("c", bf16, 1);`, ["SM118"]],
    ["scalar i32 with a fractional default", `export const c = scalar("c", i32, 1.5);`, ["SM118"]],
  ];
  for (const [name, decl, codes] of bad) {
    it(name, () => {
      const { ex } = run(`import { tensor, scalar, bf16, f32, i32 } from "scoremod";\n${decl}\n`);
      expect(ex.diagnostics.map((d) => d.code)).toEqual(codes);
    });
  }

  it("loads of an invalid tensor declaration do not add errors of their own", () => {
    const { ex } = run(`import { tensor, scoreMod, bf16 } from "scoremod";
export const t = tensor("t", bf16, ["KV"], { align: 3 });
export const m = scoreMod((s, b, h, q, kv) => s + t.at(kv));
`);
    expect(ex.diagnostics.map((d) => d.code)).toEqual(["SM117"]);
    expect(ex.mods[0].ok).toBe(false);
  });

  it("supports renamed and namespace imports", () => {
    const { ex, ts } = run(`import * as sm from "scoremod";
import { tensor as T, bf16 as BF } from "scoremod";
export const t = T("t", BF, ["B", "KV"]);
export const m = sm.scoreMod({ vecSize: 2 }, (s, b, h, q, kv) => sm.tanh(s) + t.at(b, sm.idiv(kv, 2)) + sm.dim("KV"));
`);
    expect(ts).toEqual([]);
    expect(ex.diagnostics).toEqual([]);
    expect(showStmts(ex.mods[0].body)).toBe("return (+ (+ (tanh s:f):f (at#0 t b:i (idiv kv:i 2:i):i):f):f dim(KV):i):f;");
  });

  it("locals shadow module names", () => {
    const { ex } = run(HEADER + SB("const W = 3; const ids = 2; return s + W + ids;") + "\n");
    expect(ex.diagnostics).toEqual([]);
    expect(showStmts(ex.mods[0].body)).toBe("const W = 3:i; const ids = 2:i; return (+ (+ s:f W:i):f ids:i):f;");
  });

  it("records each load's range, tensor variable and normalised text", () => {
    const text = HEADER + S("s + kvBias.at( b,h ,\n kv )") + "\n";
    const { ex } = run(text);
    const [l] = ex.mods[0].loads;
    expect(l).toMatchObject({ id: 0, tensorVar: "kvBias", text: "kvBias.at(b, h, kv)" });
    expect(l.idx).toHaveLength(3);
    const lines = text.split("\n");
    expect(lines[l.range.start.line].slice(l.range.start.character)).toMatch(/^kvBias\.at\(/);
    expect(l.range.end.line).toBe(l.range.start.line + 1);
  });
});
