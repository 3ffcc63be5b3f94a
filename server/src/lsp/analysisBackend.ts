// The Backend the language server uses in production: the analysis package's AnalysisHost (one
// shared in-memory TypeScript program for all open documents), run under a time and memory
// budget in a worker thread when given a worker script (server/src/budget; main.ts passes its
// own bundle). Completion, hover, signature help and definition go through the same worker and
// budget; a document whose text ran over the budget gets none until it changes.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { Location } from "vscode-languageserver/node";
import { TYPINGS_PATH } from "../analysis/index";
import { BudgetedAnalysis, type BudgetOptions } from "../budget/budgetedAnalysis";
import { DSL_TYPINGS } from "../analysis/dslTypings.generated";
import type { Backend } from "./backend";

function positionIn(text: string, offset: number): { line: number; character: number } {
  let line = 0, lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  return { line, character: offset - lineStart };
}

/**
 * @param typingsFile runtime/index.d.ts on disk: the embedded DSL typings are its exact text, so
 * a definition inside them maps to the same offsets there (null: no navigation into the DSL).
 * @param budget where and under what budget TypeScript runs (default: in this thread, unbounded).
 */
export function createAnalysisBackend(typingsFile: string | null = null, budget: BudgetOptions = { workerEntry: null }): Backend {
  const host = new BudgetedAnalysis(budget);
  const typingsUri = typingsFile && existsSync(typingsFile) ? pathToFileURL(typingsFile).href : null;
  return {
    analyze(fileName, text, target, vecSize, shape) {
      return host.analyze(fileName, text, { target, vecSize, shape });
    },
    languageService(fileName) {
      const ls = host.languageService(fileName);
      if (!ls) return null;
      return {
        ls,
        fileName: host.serviceName(fileName),
        locate(defFile: string, start: number, length: number): Location | null {
          if (defFile !== TYPINGS_PATH || !typingsUri) return null;
          return { uri: typingsUri, range: { start: positionIn(DSL_TYPINGS, start), end: positionIn(DSL_TYPINGS, start + length) } };
        },
      };
    },
    close(fileName) { host.removeFile(fileName); },
  };
}
