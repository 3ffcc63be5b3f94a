// Every math function of the vocabulary (runtime/src/vocabulary.ts) through the whole pipeline:
// the analysis accepts it with the table's types, the CUDA generator and both exports lower it
// as the table says, the Python is valid and the CUDA compiles (nvcc, when present). The file and
// its goldens are generated from the table, so a new function is covered with no test edit:
// review the golden diff, then UPDATE_GOLDENS=1 npx vitest run test/unit/codegen.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MATH_FN_NAMES, MATH_SPECS, type MathFn } from "../../../runtime/src/vocabulary";
import { analyze } from "../../../server/src/analysis/index";
import { generateCuda } from "../../../server/src/codegen/cuda";
import { exportFa4 } from "../../../server/src/codegen/exportFa4";
import { exportFlex } from "../../../server/src/codegen/exportFlex";
import { compileToPtx, findNvcc } from "../../../server/src/toolchain/nvcc";
import { expectGolden } from "./golden";
import { ROOT } from "./proofCorpus";

/** One score mod per function and argument type: float arguments, and int ones where there is an int lowering. */
interface Case { mod: string; fn: MathFn; ty: "int" | "float"; call: string }
function cases(): Case[] {
  const out: Case[] = [];
  for (const fn of MATH_FN_NAMES) {
    const s = MATH_SPECS[fn];
    // One argument expression per parameter (up to three); a constant-integer parameter gets a literal.
    const pick = (pool: string[]) => s.params.map((_, i) => (i === s.constInt?.index ? String(Math.min(3, s.constInt.hi)) : pool[i]!)).join(", ");
    const intArgs = s.params.length === 1 ? "q - kv" : pick(["q", "kv + 1", "q + 7"]);
    const floatArgs = s.params.length === 1 ? "score * 0.25" : pick(["score", "bias.at(kv)", "2.5"]);
    if (s.args !== "int") out.push({ mod: `${fn}F`, fn, ty: "float", call: `${fn}(${floatArgs})` });
    if (s.cuda.int) out.push({ mod: `${fn}I`, fn, ty: "int", call: `${fn}(${intArgs})` });
  }
  return out;
}
const CASES = cases();
const FILE = "vocabulary.scoremod.ts";
const SOURCE = [
  `import { scoreMod, tensor, f32, ${MATH_FN_NAMES.join(", ")} } from "scoremod";`,
  `export const bias = tensor("bias", f32, ["KV"]);`,
  ...CASES.map((c) => `export const ${c.mod} = scoreMod((score, b, h, q, kv) => score + ${c.call});`),
  "",
].join("\n");

const nvcc = (() => { try { findNvcc(); return true; } catch { return false; } })();
const python = spawnSync("python3", ["--version"]).status === 0;

describe("every math function of the vocabulary", () => {
  const fa = analyze(FILE, SOURCE, { target: "runner-sm90", vecSize: 1 });

  it("is accepted by the analysis with the table's result type", () => {
    expect(fa.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(fa.mods.map((m) => m.name)).toEqual(CASES.map((c) => c.mod));
    for (const c of CASES) {
      const m = fa.mods.find((x) => x.name === c.mod)!;
      expect(m.ok, c.mod).toBe(true);
      const ret = m.body.find((s) => s.k === "return")!;
      const call = ret.k === "return" && ret.value.k === "binary" ? ret.value.b : undefined;
      expect(call?.k, c.mod).toBe("call");
      expect(call?.ty, c.mod).toBe(MATH_SPECS[c.fn].result === "float" ? "float" : c.ty);
    }
  });

  it("is lowered as the table says: CUDA, Flex and FA4 goldens", () => {
    // The lane functions only (the rest of each device function does not depend on the math).
    const lane = (code: string, mod: string) => {
      const a = code.indexOf(`__device__ __forceinline__ float sm_${mod}_v1_lane(`);
      return code.slice(a, code.indexOf("\n}\n", a) + 3);
    };
    const cuda = CASES.map((c) => lane(generateCuda(fa, c.mod).code, c.mod)).join("");
    const flex = exportFlex(fa).text, fa4 = exportFa4(fa).text;
    for (const c of CASES) {
      const v = (MATH_SPECS[c.fn].cuda as { float: (a: string[]) => string; int?: (a: string[]) => string });
      const ci = MATH_SPECS[c.fn].constInt;
      const marks = ["\u0000", "\u0001", "\u0002"].map((m, i) => (i === ci?.index ? String(Math.min(3, ci.hi)) : m));
      const head = (c.ty === "int" ? v.int! : v.float)(marks).split("\u0000")[0]!;
      expect(cuda, `${c.mod}: ${head}`).toContain(head);
    }
    const dir = join(ROOT, "test/golden/vocabulary");
    expectGolden(join(dir, "vocabulary.runner-sm90.cu"), cuda);
    expectGolden(join(dir, "vocabulary.flex.py"), flex);
    expectGolden(join(dir, "vocabulary.fa4.py"), fa4);
  });

  it.skipIf(!python)("exports valid Python (py_compile)", () => {
    const d = mkdtempSync(join(tmpdir(), "smvocab-"));
    const files = [exportFlex(fa), exportFa4(fa)].map((e) => { const p = join(d, e.fileName); writeFileSync(p, e.text); return p; });
    execFileSync("python3", ["-c", "import py_compile, sys\nfor p in sys.argv[1:]: py_compile.compile(p, doraise=True)", ...files]);
  });

  it.skipIf(!nvcc)("generates CUDA that nvcc compiles", async () => {
    const text = CASES.map((c) => generateCuda(fa, c.mod, { symbolPrefix: `${c.mod}_` }).text).join("");
    const r = await compileToPtx(text, { target: "runner-sm90", fileName: "vocabulary.cu" });
    expect(r.ptx.length).toBeGreaterThan(0);
  }, 120_000);
});
