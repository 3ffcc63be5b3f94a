// The Backend the language server uses in production: the analysis package's AnalysisHost (one
// shared in-memory TypeScript program for all open documents).
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { Location } from "vscode-languageserver/node";
import { AnalysisHost, TYPINGS_PATH } from "../analysis/index";
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
 */
export function createAnalysisBackend(typingsFile: string | null = null): Backend {
  const host = new AnalysisHost();
  const typingsUri = typingsFile && existsSync(typingsFile) ? pathToFileURL(typingsFile).href : null;
  return {
    analyze(fileName, text, target, vecSize, shape) {
      host.setFile(fileName, text);
      return host.analyze(fileName, { target, vecSize, shape });
    },
    languageService(fileName) {
      if (!host.hasFile(fileName)) return null;
      return {
        ls: host.languageService,
        fileName: host.pathOf(fileName),
        locate(defFile: string, start: number, length: number): Location | null {
          if (defFile !== TYPINGS_PATH || !typingsUri) return null;
          return { uri: typingsUri, range: { start: positionIn(DSL_TYPINGS, start), end: positionIn(DSL_TYPINGS, start + length) } };
        },
      };
    },
    close(fileName) { host.removeFile(fileName); },
  };
}
