// The classifier's trap fixtures are well-formed: each states its expected verdicts in a
// machine-readable EXPECT line whose load text occurs verbatim in the file, and each loads in
// Node. Evaluating the stride -1 trap past its valid range fails with a located index error.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { DslIndexError } from "../../../runtime/src/dsl";
import { exportedTensors, loadScoreModule } from "../../../runtime/src/load";
import { modGrid } from "../../../runtime/src/reference";
import { sampleBindings } from "../../../runtime/src/sample";

const dir = fileURLToPath(new URL("../../fixtures/traps/", import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith(".scoremod.ts")).sort();
const EXPECT = /^\/\/ EXPECT: target=(\S+) vecSize=(\d+) load=(.+) class=(uniform|contiguous|grouped|gather) widthElems=(\d+) loadsPerVec=(\d+)$/;

describe("trap fixtures", () => {
  it("cover every trap the analysis must handle", () => {
    const texts = files.map((f) => readFileSync(dir + f, "utf8")).join("\n");
    for (const idx of ["q - kv", "kv * 2", "min(kv, 255)", '(kv + 1) % dim("KV")', "idiv(kv, 2)", "kv + 3", '"H*KVP", "KVP", 1', "leadingDim: 1", "bucket.at(b, kv)"]) {
      expect(texts, idx).toContain(idx);
    }
  });

  it.each(files)("%s states its verdicts and loads", (file) => {
    const text = readFileSync(dir + file, "utf8");
    const expects = text.split("\n").filter((l) => l.startsWith("// EXPECT:"));
    expect(expects.length).toBeGreaterThan(0);
    for (const line of expects) {
      const m = EXPECT.exec(line);
      expect(m, line).not.toBeNull();
      expect(text.split("\n").filter((l) => !l.startsWith("//")).join("\n")).toContain(m![3]!);
    }
    const js = ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const mod = loadScoreModule(js, file);
    expect(mod.dslExports.some((e) => e.kind === "score" || e.kind === "mask")).toBe(true);
  });

  it("neg_stride reads out of range where kv > q, naming tensor, index and extent", async () => {
    const ex = await import("../../fixtures/traps/neg_stride.scoremod");
    const bindings = sampleBindings(exportedTensors(ex), { B: 1, H: 1, KV: 8 }, 0);
    expect(() => modGrid({ b: 0, h: 0, Q: 8, KV: 8, scoreMod: ex.negStride, bindings })).toThrow(DslIndexError);
    expect(() => modGrid({ b: 0, h: 0, Q: 8, KV: 8, scoreMod: ex.negStride, bindings })).toThrow('bias.at(0, 0, -1): index 2 (dim "KV") is -1, outside [0, 8)');
  });
});
