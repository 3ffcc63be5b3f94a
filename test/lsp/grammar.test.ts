// Tokenisation snapshots of the TextMate grammars (vscode-textmate + vscode-oniguruma, the
// engine VS Code uses). `source.ts` is VS Code's built-in TypeScript grammar, absent here, so the
// scoremod snapshots show exactly what our grammar adds: the DSL's injected scopes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import * as oniguruma from "vscode-oniguruma";
import * as tm from "vscode-textmate";

const root = join(__dirname, "..", "..");
let registry: tm.Registry;

beforeAll(async () => {
  const wasm = readFileSync(join(root, "node_modules", "vscode-oniguruma", "release", "onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => {
      const file = { "source.scoremod": "scoremod.tmLanguage.json", "source.ptx": "ptx.tmLanguage.json" }[scope];
      return file ? tm.parseRawGrammar(readFileSync(join(root, "syntaxes", file), "utf8"), file) : null;
    },
  });
});

/** "text => scope" for every token with a non-root scope, line by line. */
async function tokens(scope: string, text: string): Promise<string[]> {
  const g = await registry.loadGrammar(scope);
  if (!g) throw new Error(`no grammar ${scope}`);
  let state = tm.INITIAL;
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const r = g.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const scopes = t.scopes.filter((s) => s !== scope);
      const piece = line.slice(t.startIndex, t.endIndex);
      if (scopes.length && piece.trim()) out.push(`${piece} => ${scopes.join(" ")}`);
    }
    state = r.ruleStack;
  }
  return out;
}

describe("grammars", () => {
  test("manifest grammars are valid JSON with the declared scope names", () => {
    const manifest = JSON.parse(readFileSync(join(root, "client", "package.json"), "utf8"));
    for (const g of manifest.contributes.grammars as { scopeName: string; path: string }[]) {
      const raw = JSON.parse(readFileSync(join(root, "client", g.path), "utf8"));
      expect(raw.scopeName).toBe(g.scopeName);
    }
  });

  test("scoremod: DSL loads, mods, declarations, dtypes, math and options", async () => {
    const src = [
      'export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });',
      "export const m = scoreMod({ vecSize: 8 }, (score, b, h, q, kv) => tanh(score) + kvBias.at(b, h, kv));",
      "export const d = maskMod((b, h, q, kv) => docId . at(b, q) === idiv(kv, 2));",
    ].join("\n");
    expect(await tokens("source.scoremod", src)).toMatchInlineSnapshot(`
      [
        "tensor => support.function.declaration.scoremod",
        "bf16 => support.type.dtype.scoremod",
        "align => support.type.property-name.option.scoremod",
        "divisible => support.type.property-name.option.scoremod",
        "scoreMod => support.function.mod.scoremod",
        "vecSize => support.type.property-name.option.scoremod",
        "tanh => support.function.math.scoremod",
        "kvBias => variable.other.object.tensor.scoremod",
        ". => punctuation.accessor.scoremod",
        "at => support.function.load.scoremod",
        "maskMod => support.function.mod.scoremod",
        "docId => variable.other.object.tensor.scoremod",
        ". => punctuation.accessor.scoremod",
        "at => support.function.load.scoremod",
        "idiv => support.function.math.scoremod",
      ]
    `);
  });

  test("ptx: directives, line info, global loads, registers, predicates", async () => {
    const src = [
      ".visible .entry k(",
      "\t.loc\t1 8 82",
      "\t@%p1 ld.global.nc.v4.u32 \t{%r1, %r2, %r3, %r4}, [%rd5];",
      "$L__BB0_2: // loop",
      "\tadd.f32 \t%f3, %f1, 0f3F800000;",
    ].join("\n");
    expect(await tokens("source.ptx", src)).toMatchInlineSnapshot(`
      [
        ".visible => keyword.control.directive.ptx",
        ".entry => keyword.control.directive.ptx",
        ".loc => keyword.control.directive.loc.ptx",
        "1 => constant.numeric.file.ptx",
        "8 => constant.numeric.line.ptx",
        "82 => constant.numeric.column.ptx",
        "@%p1 => keyword.operator.predicate.ptx",
        "ld.global.nc.v4.u32 => keyword.other.load.global.ptx",
        "%r1 => variable.other.register.ptx",
        "%r2 => variable.other.register.ptx",
        "%r3 => variable.other.register.ptx",
        "%r4 => variable.other.register.ptx",
        "%rd5 => variable.other.register.ptx",
        "$L__BB0_2: => entity.name.label.ptx",
        "// loop => comment.line.double-slash.ptx",
        "add.f32 => keyword.other.instruction.ptx",
        "%f3 => variable.other.register.ptx",
        "%f1 => variable.other.register.ptx",
        "0f3F800000 => constant.numeric.ptx",
      ]
    `);
  });
});
