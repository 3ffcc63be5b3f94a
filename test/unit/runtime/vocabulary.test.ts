// The DSL's vocabulary table (runtime/src/vocabulary.ts): the files generated from it are
// checked in as generated, the table is consistent, and the float64 reference semantics are
// accurate (erf has no Math.erf to lean on).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type * as Api from "../../../runtime/index";
import * as dsl from "../../../runtime/src/dsl";
import { DTYPE_NAMES, DTYPE_SPECS, erf64, isMathFn, MATH_FN_NAMES, MATH_FNS_TEXT, MATH_SPECS, type DTypeName, type MathFnSpec } from "../../../runtime/src/vocabulary";
import { mathModule, withDocsMathTable, withDtsMathSection, withGrammarMath } from "../../../runtime/src/vocabularyGen";

const ROOT = join(__dirname, "../../..");
const read = (rel: string) => readFileSync(join(ROOT, rel), "utf8");
const REGEN = "run `node scripts/gen-vocabulary.mjs` (then `node scripts/build.mjs`)";

describe("files generated from the vocabulary", () => {
  it("runtime/index.d.ts declares exactly the table's math functions", () => {
    expect(read("runtime/index.d.ts"), REGEN).toBe(withDtsMathSection(read("runtime/index.d.ts")));
  });
  it("runtime/src/math.generated.ts", () => {
    expect(read("runtime/src/math.generated.ts"), REGEN).toBe(mathModule());
  });
  it("the TextMate grammar's math pattern", () => {
    const text = read("syntaxes/scoremod.tmLanguage.json");
    expect(text, REGEN).toBe(withGrammarMath(text));
    const g = JSON.parse(text) as { repository: { math: { match: string } } };
    const re = new RegExp(g.repository.math.match);
    for (const n of MATH_FN_NAMES) {
      expect(re.exec(`x = ${n}(y)`)?.[1], n).toBe(n);
      expect(re.test(`x = ${n}y(y)`), `${n}y`).toBe(false);
    }
  });
  it("the TextMate grammar's dtype pattern", () => {
    const g = JSON.parse(read("syntaxes/scoremod.tmLanguage.json")) as { repository: { dtype: { match: string } } };
    const re = new RegExp(g.repository.dtype.match);
    for (const n of DTYPE_NAMES) {
      expect(re.exec(`tensor("t", ${n}, [4])`)?.[1], n).toBe(n);
      expect(re.test(`{ ${n}: 1 }`), `${n}:`).toBe(false);
    }
  });
  it("the math table of docs/codegen.md", () => {
    expect(read("docs/codegen.md"), REGEN).toBe(withDocsMathTable(read("docs/codegen.md")));
  });
  it("the analysis embeds the current typings", () => {
    const gen = read("server/src/analysis/dslTypings.generated.ts");
    expect(gen, "run `node scripts/build.mjs`").toContain(JSON.stringify(read("runtime/index.d.ts")));
  });
});

describe("the vocabulary table", () => {
  it("is consistent: arity, int variants in every backend or none, and for every int-preserving function", () => {
    for (const n of MATH_FN_NAMES) {
      const s: MathFnSpec = MATH_SPECS[n];
      expect([1, 2, 3], n).toContain(s.params.length);
      expect(s.ref.length, `${n}: ref arity`).toBe(s.params.length);
      // Every backend has an int variant or none; a "same" function needs one.
      const hasInt = s.cuda.int !== undefined;
      for (const b of [s.flex, s.fa4]) expect(b.int !== undefined, `${n}: int variant`).toBe(hasInt);
      if (s.result === "same") expect(hasInt, `${n}: int variant`).toBe(true);
      if (s.args === "int") expect(s.result, n).toBe("same");
      expect(s.accuracy.length, n).toBeGreaterThan(0);
      expect(isMathFn(n)).toBe(true);
    }
    expect(isMathFn("toString")).toBe(false);
    expect(isMathFn("Math")).toBe(false);
    expect(MATH_FNS_TEXT.split(", ")).toEqual(MATH_FN_NAMES);
  });

  it("a function without a backend's lowering is a type error", () => {
    // @ts-expect-error: no fa4 lowering
    const noFa4: MathFnSpec = {
      params: ["x"], args: "number", result: "float", doc: "", ref: (x: number) => x,
      cuda: { float: ([x]) => x! }, flex: { float: ([x]) => x!.code }, interval: { kind: "unknown" }, accuracy: "",
    };
    expect(noFa4).toBeDefined();
  });

  it("dtypes: index.d.ts's DTypeName is the table's keys; dsl.ts has one constant per dtype", () => {
    // Both directions at compile time.
    const fromApi = (n: Api.DTypeName): DTypeName => n;
    const toApi = (n: DTypeName): Api.DTypeName => n;
    expect(fromApi("bf16") + toApi("u8")).toBe("bf16u8");
    const exported = dsl as unknown as Record<string, Api.DType>;
    for (const n of DTYPE_NAMES) {
      expect(exported[n], n).toEqual({ name: n, bytes: DTYPE_SPECS[n].bytes, kind: DTYPE_SPECS[n].lane });
    }
  });

  it("dsl.ts exports each function as the table's float64 reference", () => {
    const exported = dsl as unknown as Record<string, unknown>;
    for (const n of MATH_FN_NAMES) expect(exported[n], n).toBe(MATH_SPECS[n].ref);
  });
});

describe("float64 reference semantics", () => {
  // erf of the double x to 40 significant digits (mpmath 1.3, mp.dps = 45).
  const ERF: [number, number][] = [
    [1e-10, 1.128379167095512615001730101551937567807e-10],
    [0.1, 0.1124629160182848984047122510143040617234],
    [0.5, 0.5204998778130465376827466538919645287365],
    [1, 0.8427007929497148693412206350826092592961],
    [1.5, 0.9661051464753107270669762616459478586814],
    [2, 0.9953222650189527341620692563672529286109],
    [2.5, 0.9995930479825550410604357842600250872797],
    [2.9, 0.9999589021219005411420041231580722796812],
    [3, 0.9999779095030014145586272238704176796202],
    [3.5, 0.9999992569016276585872544763162439043643],
    [4, 0.9999999845827420997199811478403265131160],
    [5, 0.9999999999984625402055719651498116565146],
  ];
  it("erf is within 1e-15 relative of 40-digit values, odd, and exact at 0 and +-inf", () => {
    for (const [x, want] of ERF) {
      expect(Math.abs(erf64(x) - want) / want, `erf(${x})`).toBeLessThanOrEqual(1e-15);
      expect(erf64(-x), `erf(-${x})`).toBe(-erf64(x));
    }
    expect(Object.is(erf64(0), 0) && Object.is(erf64(-0), -0)).toBe(true);
    expect([erf64(Infinity), erf64(-Infinity), erf64(6), erf64(40)]).toEqual([1, -1, 1, 1]);
    expect(Number.isNaN(erf64(NaN))).toBe(true);
  });
  it("log1p and expm1 are Math's (accurate for small x, where log(1 + x) and exp(x) - 1 are not)", () => {
    expect(MATH_SPECS.log1p.ref(1e-10)).toBe(Math.log1p(1e-10));
    expect(Math.abs(MATH_SPECS.log1p.ref(1e-10) - 9.9999999995e-11) / 1e-10).toBeLessThan(1e-15);
    expect(Math.abs(MATH_SPECS.expm1.ref(1e-10) - 1.00000000005e-10) / 1e-10).toBeLessThan(1e-15);
    expect([MATH_SPECS.log1p.ref(-1), MATH_SPECS.expm1.ref(-Infinity)]).toEqual([-Infinity, -1]);
    expect(Number.isNaN(MATH_SPECS.log1p.ref(-2))).toBe(true);
  });
  it("pow takes integer exponents only: x^n exactly where float64 can hold it, 0^-n is inf, x^0 is 1", () => {
    const pow = MATH_SPECS.pow.ref;
    expect([pow(3, 4), pow(-2, 3), pow(-2, 2), pow(2, -2), pow(1.5, 0), pow(NaN, 0)]).toEqual([81, -8, 4, 0.25, 1, 1]);
    expect([pow(0, -1), pow(-0, -1), pow(0, -2)]).toEqual([Infinity, -Infinity, Infinity]);
    expect(() => pow(2, 0.5)).toThrow(/exponent must be an integer/);
    expect(MATH_SPECS.pow.constInt).toEqual({ index: 1, lo: -32, hi: 32 });
  });
  it("clamp is min(max(x, lo), hi), so lo > hi gives hi (as the CUDA's fminf(fmaxf()))", () => {
    const clamp = MATH_SPECS.clamp.ref;
    expect([clamp(5, 0, 3), clamp(-1, 0, 3), clamp(2, 0, 3), clamp(2, 5, 1)]).toEqual([3, 0, 2, 1]);
  });
  it("erf is monotone across the series / continued-fraction switch at 1", () => {
    let prev = -Infinity;
    for (let x = 0.99; x <= 1.01; x += 1e-5) {
      const y = erf64(x);
      expect(y).toBeGreaterThanOrEqual(prev);
      prev = y;
    }
  });
});
