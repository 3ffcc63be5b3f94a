// Quick-fix order: where a promise would widen a load, the safe fix (vecSize down to the width
// already proven) comes first and is preferred; the promise comes after and says FA4 will not check it.
import { afterAll, beforeAll, expect, it } from "vitest";
import type { CodeAction } from "vscode-languageserver-protocol";
import { startHarness, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(() => h.close());

it("an 8-byte-aligned bf16 tensor at V = 8: 'Set vecSize: 4' (preferred), then the unchecked align promise", async () => {
  const uri = "file:///ws/align8.scoremod.ts";
  const text = `import { bf16, scoreMod, tensor } from "scoremod";\n` +
    `export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 8, divisible: { KV: 8 } });\n` +
    `export const m = scoreMod({ vecSize: 8 }, (score, b, h, q, kv) => score + kvBias.at(b, h, kv));\n`;
  h.open(uri, text);
  const p = await h.waitFor(uri, 1);
  const d = p.diagnostics.find((x) => x.code === "SM210")!;
  const actions = await h.rpc.sendRequest("textDocument/codeAction", { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } }) as CodeAction[];
  expect(actions.map((a) => [a.title, a.isPreferred])).toEqual([
    ["Set vecSize: 4 (as wide as kvBias's declared facts prove; no promise needed)", true],
    ["Promise kvBias is 16-byte aligned (align: 16; FA4 will not check the promise)", false],
  ]);
  // The load's hover lists them in the same order.
  const hover = await h.rpc.sendRequest("textDocument/hover", { textDocument: { uri }, position: d.range.start }) as { contents: { value: string } };
  expect(hover.contents.value).toMatch(/\*\*Fix:\*\* Set vecSize: 4 [^\n]*\n- \*\*Or:\*\* Promise kvBias is 16-byte aligned/);
});
