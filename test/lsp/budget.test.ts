// The language server with the analysis under a budget (issue 14, items 1-2): a type-level bomb and
// a parser-backtracking bomb get a located SM151 within the budget instead of blocking the server
// for minutes (and, for the type bomb, killing it at 4 GB); hover, completion and code generation
// on them answer at once; other documents keep working through the fresh worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalysisBackend } from "../../server/src/lsp/analysisBackend";
import { hostile, workerBundle } from "../unit/budget/workerBundle";
import { startHarness, type Harness } from "./harness";

const BUDGET_MS = 2000;
const NORMAL = `import { scoreMod, tensor, bf16 } from "scoremod";
export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });
export const bias = scoreMod({ vecSize: 8 }, (score, b, h, q, kv) => score + kvBias.at(b, h, kv));
`;

describe("language server under the analysis budget", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend: createAnalysisBackend(null, { workerEntry: workerBundle(), timeoutMs: BUDGET_MS, memoryMb: 512 }) });
  }, 60_000);
  afterAll(() => h?.close());

  for (const [name, line] of [["type_bomb", 2], ["async_backtrack", 3]] as const) {
    it(`${name}: SM151 published within the budget; hover, completion and CUDA answer at once`, async () => {
      const uri = `file:///budget/${name}.scoremod.ts`;
      const text = hostile(name);
      const t0 = performance.now();
      h.open(uri, text);
      const p = await h.waitFor(uri, 1, 40_000);
      expect(performance.now() - t0).toBeLessThan(BUDGET_MS + 20_000);
      expect(p.diagnostics.map((d) => d.code)).toEqual(["SM151"]);
      expect(p.diagnostics[0].range.start.line).toBe(line);
      expect(p.diagnostics[0].message).toContain("score_mod files need no type-level programming");

      const t1 = performance.now();
      const position = { line, character: 12 };
      expect(await h.rpc.sendRequest("textDocument/hover", { textDocument: { uri }, position })).toBeNull();
      const items = await h.rpc.sendRequest("textDocument/completion", { textDocument: { uri }, position }) as unknown[] | { items: unknown[] };
      expect(Array.isArray(items) ? items : items.items).toEqual([]);
      // Quick fixes (TypeScript's included), symbols and semantic tokens: none, at once.
      const range = { start: position, end: position };
      expect(await h.rpc.sendRequest("textDocument/codeAction", { textDocument: { uri }, range, context: { diagnostics: [] } })).toEqual([]);
      expect(await h.rpc.sendRequest("textDocument/documentSymbol", { textDocument: { uri } })).toEqual([]);
      expect(await h.rpc.sendRequest("textDocument/semanticTokens/full", { textDocument: { uri } })).toEqual({ data: [] });
      const cuda = await h.rpc.sendRequest("scoremod/cuda", { uri, mod: "bias" }) as { ok: boolean; error?: string };
      expect(cuda.ok).toBe(false);
      expect(cuda.error).toContain("could not check this file");
      expect(performance.now() - t1).toBeLessThan(BUDGET_MS); // refused from the mark, not re-run
    }, 60_000);
  }

  it("other documents analyse and complete through the fresh worker; fixing the bomb clears SM151", async () => {
    const uri = "file:///budget/normal.scoremod.ts";
    h.open(uri, NORMAL);
    const p = await h.waitFor(uri, 1, 40_000);
    expect(p.diagnostics.filter((d) => d.severity === 1)).toEqual([]);
    const line = 2, character = NORMAL.split("\n")[2].indexOf("kvBias.at(") + "kvBias.".length;
    const items = await h.rpc.sendRequest("textDocument/completion", { textDocument: { uri }, position: { line, character } }) as { label: string }[] | { items: { label: string }[] };
    expect((Array.isArray(items) ? items : items.items).map((i) => i.label)).toContain("at");

    // Auto-import and TypeScript's code fixes go through the worker too (their data crosses it).
    const imp = "file:///budget/autoimport.scoremod.ts";
    const impText = `import { scoreMod } from "scoremod";\nexport const t = tensor("t", bf16, ["KV"]);\nexport const m = scoreMod((score, b, h, q, kv) => score + idi);\n`;
    h.open(imp, impText);
    const pi = await h.waitFor(imp, 1, 40_000);
    const list = await h.rpc.sendRequest("textDocument/completion", { textDocument: { uri: imp }, position: { line: 2, character: impText.split("\n")[2]!.indexOf("idi)") + 3 } }) as { items: { label: string }[] };
    const resolved = await h.rpc.sendRequest("completionItem/resolve", list.items.find((i) => i.label === "idiv")) as { additionalTextEdits?: { newText: string }[] };
    expect(resolved.additionalTextEdits?.map((e) => e.newText)).toEqual(["idiv, "]);
    const d = pi.diagnostics.find((x) => x.code === "TS2304")!;
    const actions = await h.rpc.sendRequest("textDocument/codeAction", { textDocument: { uri: imp }, range: d.range, context: { diagnostics: [d] } }) as { title: string }[];
    expect(actions.map((a) => a.title)).toContain(`Update import from "scoremod"`);

    const bomb = "file:///budget/type_bomb.scoremod.ts";
    const fixed = hostile("type_bomb").replace(/^type P[^\n]*\n/m, "type P<T> = T[];\n").replace(/: P<[^>]*>/, ": number[]");
    h.change(bomb, fixed, 2);
    const q = await h.waitFor(bomb, 2, 40_000);
    expect(q.diagnostics.map((d) => d.code)).not.toContain("SM151");
    const cuda = await h.rpc.sendRequest("scoremod/cuda", { uri: bomb, mod: "bias" }) as { ok: boolean };
    expect(cuda.ok).toBe(true);
  }, 60_000);
});
