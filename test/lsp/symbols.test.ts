// Document symbols (Outline, breadcrumbs) from the analysis's facts: tensors, scalars and mods.
import { afterAll, beforeAll, expect, it } from "vitest";
import { SymbolKind, type DocumentSymbol } from "vscode-languageserver-protocol";
import { startHarness, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

const TEXT = `import { bf16, f32, maskMod, scalar, scoreMod, tensor } from "scoremod";

export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });
export const cap = scalar("cap", f32, 30.0);

export const biasMod = scoreMod({ vecSize: 8 }, (score, b, h, q, kv) => score + kvBias.at(b, h, kv) * cap.value);
export const causal = maskMod((b, h, q, kv) => q >= kv);
`;

it("lists each tensor, scalar and mod with its kind, detail and name range, in source order", async () => {
  const uri = "file:///ws/outline.scoremod.ts";
  h.open(uri, TEXT);
  await h.waitFor(uri, 1);
  const syms = await h.rpc.sendRequest("textDocument/documentSymbol", { textDocument: { uri } }) as DocumentSymbol[];
  expect(syms.map((s) => [s.name, s.kind, s.detail])).toEqual([
    ["kvBias", SymbolKind.Array, `tensor "kv_bias" bf16 [B, H, KV]`],
    ["cap", SymbolKind.Variable, `scalar "cap" f32 = 30`],
    ["biasMod", SymbolKind.Function, "score mod · vecSize 8"],
    ["causal", SymbolKind.Function, "mask mod · vecSize 1"],
  ]);
  const lines = TEXT.split("\n");
  for (const s of syms) {
    // The selection range is the name itself, inside the declaration's range.
    const sel = s.selectionRange;
    expect(lines[sel.start.line]!.slice(sel.start.character, sel.end.character)).toBe(s.name);
    expect(s.range.start).toEqual(sel.start);
    expect(s.range.end.character).toBeGreaterThan(sel.end.character);
  }
});

it("a document that is not open has no symbols", async () => {
  expect(await h.rpc.sendRequest("textDocument/documentSymbol", { textDocument: { uri: "file:///ws/closed.scoremod.ts" } })).toEqual([]);
});
