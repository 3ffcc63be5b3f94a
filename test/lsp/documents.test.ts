// Per-document state in the language server (issue 14, item 8): an analysis is served only for
// the exact text it was computed from, distinct documents never share a TypeScript file, and a
// closed document's state is released.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, test } from "vitest";
import type { FileAnalysis } from "../../server/src/analysis/facts";
import { createAnalysisBackend } from "../../server/src/lsp/analysisBackend";
import type { Backend } from "../../server/src/lsp/backend";
import { startHarness, type Harness } from "./harness";

const root = join(__dirname, "..", "..");
const KV_BIAS = readFileSync(join(root, "examples", "kv_bias.scoremod.ts"), "utf8");

let h: Harness | null = null;
afterEach(() => { h?.close(); h = null; });

/** The next publish for `uri` after the `since`-th one. */
async function nextPublish(hh: Harness, uri: string, since: number) {
  for (let i = 0; i < 2000; i++) {
    const p = hh.published.slice(since).find((x) => x.uri === uri);
    if (p) return p;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no publish for ${uri}`);
}

function posOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  const before = text.slice(0, i + delta).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

describe("document state", () => {
  test("a reused version number does not serve the analysis of the older text", async () => {
    h = await startHarness();
    const uri = "file:///ws/reused.scoremod.ts";
    h.open(uri, KV_BIAS, 1);
    expect((await h.waitFor(uri, 1)).diagnostics.filter((d) => d.severity === 1)).toEqual([]);
    const since = h.published.length;
    // Same version, new text with a type error (a client bug, or a hostile client).
    h.change(uri, KV_BIAS.replace("kvBias.at(b, h, kv)", "kvBias.at(b, kv)"), 1);
    const p = await nextPublish(h, uri, since);
    expect(p.diagnostics.some((d) => String(d.code).startsWith("TS"))).toBe(true);
    const a = await h.rpc.sendRequest("scoremod/analysis", { uri }) as { analysis: FileAnalysis };
    expect(a.analysis.diagnostics.some((d) => d.code.startsWith("TS"))).toBe(true);
  });

  test("documents whose URIs look alike get TypeScript files of their own", async () => {
    h = await startHarness();
    // Both used to become /__virtual__/a_b.scoremod.ts and share one TypeScript file.
    const a = "untitled:a b.scoremod.ts", b = "untitled:a_b.scoremod.ts";
    const textA = KV_BIAS.replace("export const kvBiasMod", "export const onlyInA = 1;\nexport const kvBiasMod");
    const textB = KV_BIAS.replace("kvBiasMod", "otherMod");
    h.open(a, textA, 1);
    await h.waitFor(a, 1);
    h.open(b, textB, 1);
    await h.waitFor(b, 1);
    // TypeScript's quick info in A still sees A's text.
    const hover = await h.rpc.sendRequest("textDocument/hover", { textDocument: { uri: a }, position: posOf(textA, "onlyInA", 2) }) as { contents: { value: string } } | null;
    expect(hover?.contents.value).toContain("onlyInA");
    // Closing B leaves A's TypeScript file in place.
    await h.rpc.sendNotification("textDocument/didClose", { textDocument: { uri: b } });
    const items = await h.rpc.sendRequest("textDocument/completion", { textDocument: { uri: a }, position: posOf(textA, "kvBias.at(", 7) }) as { label: string }[] | { items: { label: string }[] };
    const labels = (Array.isArray(items) ? items : items.items).map((i) => i.label);
    expect(labels).toContain("at");
  });

  test("closing a document releases its analysis and its TypeScript source file", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const real = createAnalysisBackend();
    const refs: { analysis?: WeakRef<object>; sourceFile?: WeakRef<object> } = {};
    const big = "file:///ws/big.scoremod.ts";
    // The real backend, watched: weak references to the big document's analysis and AST.
    const backend: Backend = {
      analyze(fileName, text, ...rest) {
        const fa = real.analyze(fileName, text, ...rest);
        if (fileName.endsWith("big.scoremod.ts")) {
          refs.analysis = new WeakRef(fa);
          const ls = real.languageService(fileName);
          const sf = ls?.ls.getProgram()?.getSourceFile(ls.fileName);
          if (sf) refs.sourceFile = new WeakRef(sf);
        }
        return fa;
      },
      languageService: (f) => real.languageService(f),
      close: (f) => real.close(f),
    };
    h = await startHarness({ backend });
    const small = "file:///ws/small.scoremod.ts";
    h.open(small, KV_BIAS, 1);
    await h.waitFor(small, 1);
    h.open(big, KV_BIAS + "\n// " + "x".repeat(2_000_000) + "\n", 1);
    await h.waitFor(big, 1);
    expect(refs.analysis?.deref()).toBeDefined();
    expect(refs.sourceFile?.deref()).toBeDefined();
    const since = h.published.length;
    await h.rpc.sendNotification("textDocument/didClose", { textDocument: { uri: big } });
    expect((await nextPublish(h, big, since)).diagnostics).toEqual([]);
    for (let i = 0; i < 20 && (refs.analysis?.deref() || refs.sourceFile?.deref()); i++) {
      await new Promise((r) => setTimeout(r, 20));
      gc();
    }
    expect(refs.analysis?.deref()).toBeUndefined();
    expect(refs.sourceFile?.deref()).toBeUndefined();
    // The other document is unaffected.
    const a = await h.rpc.sendRequest("scoremod/analysis", { uri: small }) as { analysis: FileAnalysis };
    expect(a.analysis.mods.map((m) => m.name)).toEqual(["kvBiasMod"]);
  });
});
