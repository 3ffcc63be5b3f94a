import { describe, expect, it } from "vitest";
import ts from "typescript";
import { withBindings } from "../../../runtime/src/dsl";
import { evaluateScoreModule, listDslExports, loadScoreModule, ScoreModLoadError } from "../../../runtime/src/load";
import { sampleBindings } from "../../../runtime/src/sample";

function cjs(src: string): string {
  return ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
}

const SRC = `
import { bf16, f32, maskMod, scalar, scoreMod, tensor } from "scoremod";
const hidden = tensor("hidden_bias", bf16, ["B", "KV"]);
export const cap = scalar("cap", f32, 2);
export const mod = scoreMod({ vecSize: 4 }, (s, b, h, q, kv) => s * cap.value + hidden.at(b, kv));
export const mask = maskMod((b, h, q, kv) => q >= kv);
export const alias = mod;
export const notDsl = 42;
`;

describe("loadScoreModule", () => {
  it("evaluates transpiled CommonJS with scoremod resolved to this runtime", () => {
    const m = loadScoreModule(cjs(SRC), "demo.scoremod.ts");
    expect(m.dslExports.map((e) => [e.exportName, e.kind])).toEqual([["cap", "scalar"], ["mod", "score"], ["mask", "mask"], ["alias", "score"]]);
    expect(m.tensors.map((t) => t.name)).toEqual(["hidden_bias"]); // declared but not exported
    expect(m.scalars.map((s) => s.name)).toEqual(["cap"]);
    const bind = sampleBindings(m.tensors, { B: 1, KV: 4 }, 0, { cap: 3 });
    const mod = m.dslExports.find((e) => e.exportName === "mod")!;
    if (mod.kind !== "score") throw new Error("unreachable");
    expect(withBindings(bind, () => mod.value.fn(1, 0, 0, 0, 2, { offsetQ: 0, offsetKv: 0, lenQ: 1, lenKv: 4 }))).toBe(3 + bind.tensors.hidden_bias!.values[2]!);
    expect(listDslExports({ x: 1, y: null, z: { kind: "score" } })).toEqual([]);
  });

  it("refuses other imports, with the file name", () => {
    expect(() => evaluateScoreModule(cjs(`import fs from "fs"; export const x = fs;`), "f.scoremod.ts"))
      .toThrow(/f\.scoremod\.ts: cannot import "fs": a score_mod file may only import "scoremod"/);
  });

  it("reports syntax errors and declaration errors as ScoreModLoadError", () => {
    expect(() => evaluateScoreModule("export const = ;", "s.js")).toThrow(ScoreModLoadError);
    expect(() => evaluateScoreModule("export const = ;", "s.js")).toThrow(/s\.js: not valid JavaScript/);
    const bad = cjs(`import { bf16, tensor } from "scoremod"; export const t = tensor("t", bf16, ["B"], { align: 3 });`);
    expect(() => evaluateScoreModule(bad, "b.scoremod.ts")).toThrow(/b\.scoremod\.ts: tensor\("t"\): align 3/);
    expect(() => evaluateScoreModule(`throw "plain"`, "p.js")).toThrow(/p\.js: plain/);
  });
});
