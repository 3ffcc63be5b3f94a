// Semantic tokens for tensors, scalars and mods: the legend, the relative encoding, and the
// tokens of a file (declarations and uses in mod bodies) through the server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InitializeResult, SemanticTokens } from "vscode-languageserver-protocol";
import { encodeTokens, LEGEND, TOKEN_MODIFIERS, TOKEN_TYPES, type Token } from "../../server/src/lsp/semanticTokens";
import { startHarness, type Harness } from "./harness";

const bits = (...m: (typeof TOKEN_MODIFIERS)[number][]) => m.reduce((b, x) => b | (1 << TOKEN_MODIFIERS.indexOf(x)), 0);

describe("encoding", () => {
  it("is LSP's relative form: Δline, Δstart (from the previous token on the same line), length, type, modifier bits", () => {
    const tokens: Token[] = [
      { line: 2, character: 13, length: 6, type: "variable", modifiers: ["declaration", "readonly", "tensor"] },
      { line: 4, character: 13, length: 7, type: "function", modifiers: ["declaration", "scoreMod"] },
      { line: 4, character: 60, length: 6, type: "variable", modifiers: ["readonly", "tensor"] },
    ];
    expect(encodeTokens(tokens).data).toEqual([
      2, 13, 6, 0, bits("declaration", "readonly", "tensor"),
      2, 13, 7, 1, bits("declaration", "scoreMod"),
      0, 47, 6, 0, bits("readonly", "tensor"),
    ]);
    expect(TOKEN_TYPES).toEqual(["variable", "function"]);
  });
});

describe("through the server", () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(() => h.close());

  it("the legend is in the capabilities; declarations and uses of tensors, scalars and mods are tokens", async () => {
    const init = await h.rpc.sendRequest("initialize", { processId: null, rootUri: null, capabilities: {} }) as InitializeResult;
    expect(init.capabilities.semanticTokensProvider).toEqual({ legend: LEGEND, full: true });
    const uri = "file:///ws/tokens.scoremod.ts";
    const text = `import { bf16, f32, maskMod, scalar, scoreMod, tensor } from "scoremod";\n` +
      `export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"]);\n` +
      `export const cap = scalar("cap", f32, 30.0);\n` +
      `export const m = scoreMod((score, b, h, q, kv) => score + kvBias.at(b, h, kv) * cap.value);\n` +
      `export const causal = maskMod((b, h, q, kv) => q >= kv);\n`;
    h.open(uri, text);
    await h.waitFor(uri, 1);
    const { data } = await h.rpc.sendRequest("textDocument/semanticTokens/full", { textDocument: { uri } }) as SemanticTokens;
    // Decode back to (line, start, text, type, modifiers).
    const lines = text.split("\n");
    const out: [number, string, string, string[]][] = [];
    let line = 0, ch = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i]!;
      ch = data[i]! === 0 ? ch + data[i + 1]! : data[i + 1]!;
      out.push([line, lines[line]!.slice(ch, ch + data[i + 2]!), TOKEN_TYPES[data[i + 3]!]!, TOKEN_MODIFIERS.filter((_, k) => data[i + 4]! & (1 << k))]);
    }
    expect(out).toEqual([
      [1, "kvBias", "variable", ["declaration", "readonly", "tensor"]],
      [2, "cap", "variable", ["declaration", "scalar"]],
      [3, "m", "function", ["declaration", "scoreMod"]],
      [3, "kvBias", "variable", ["readonly", "tensor"]],
      [3, "cap", "variable", ["scalar"]],
      [4, "causal", "function", ["declaration", "maskMod"]],
    ]);
  });
});
