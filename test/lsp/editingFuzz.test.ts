// The editing features on fuzzed files (the analysis fuzzer's generator): symbols, semantic tokens,
// TypeScript's completion (with auto-import) and code fixes never throw, and tokens stay well formed
// (sorted, on the document's lines, inside them).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { TextDocument } from "vscode-languageserver-textdocument";
import { AnalysisHost } from "../../server/src/analysis/index";
import { collectTokens } from "../../server/src/lsp/semanticTokens";
import { documentSymbols } from "../../server/src/lsp/symbols";
import { tsCodeFixes } from "../../server/src/lsp/tsCodeFixes";
import { completion, type TsContext } from "../../server/src/lsp/tsFeatures";
import { fuzzCase } from "../fuzz/generate";

const EXAMPLES = join(__dirname, "../../examples");
const seeds = readdirSync(EXAMPLES).filter((f) => f.endsWith(".ts")).map((f) => readFileSync(join(EXAMPLES, f), "utf8"));
const CASES = Number(process.env.FUZZ_EDITING_CASES ?? 150);

it(`symbols, tokens, completion and TypeScript's fixes survive ${CASES} fuzzed files`, () => {
  const host = new AnalysisHost();
  const name = "/fuzz/edit.scoremod.ts";
  const failures: string[] = [];
  for (let i = 0; i < CASES && failures.length < 3; i++) {
    const text = fuzzCase(3, i, seeds);
    try {
      host.setFile(name, text);
      const fa = host.analyze(name);
      JSON.stringify(documentSymbols(fa));
      const lines = text.split(/\r\n|\r|\n/);
      const tokens = collectTokens(fa, text);
      tokens.forEach((t, k) => {
        const prev = tokens[k - 1];
        if (prev && (prev.line > t.line || (prev.line === t.line && prev.character + prev.length > t.character))) throw new Error(`tokens out of order at ${t.line}:${t.character}`);
        if (t.character + t.length > (lines[t.line]?.length ?? -1)) throw new Error(`token past its line at ${t.line}:${t.character}`);
      });
      const doc = TextDocument.create("file:///fuzz/edit.scoremod.ts", "scoremod", 1, text);
      const c: TsContext = { ls: host.languageService, fileName: host.pathOf(name), doc, locate: () => null };
      for (const at of [0, Math.floor(text.length / 2), text.length]) JSON.stringify(completion(c, doc.positionAt(at)));
      const whole = { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) };
      JSON.stringify(tsCodeFixes(c, fa.diagnostics, whole));
    } catch (e) {
      failures.push(`case ${i}: ${e instanceof Error ? e.stack : String(e)}\n---\n${text.slice(0, 1500)}\n---`);
    }
  }
  expect(failures).toEqual([]);
}, 240_000);
