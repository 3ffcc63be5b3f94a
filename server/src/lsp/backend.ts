// What the language server needs from the analysis. The server codes against this interface;
// analysisBackend.ts implements it with the analysis package's AnalysisHost, and tests may
// substitute a backend with fixed facts.
import type { Location } from "vscode-languageserver/node";
import type { ts } from "ts-morph";
import type { FileAnalysis } from "../analysis/facts";
import type { TargetId } from "../analysis/targets";
import type { BoundsShape } from "../analysis/bounds";

export interface LanguageServiceView {
  ls: ts.LanguageService;
  /** The document's name inside the language service. */
  fileName: string;
  /** Maps a span in another file of the language service (the DSL typings) to an editor location. */
  locate(fileName: string, start: number, length: number): Location | null;
}

export interface Backend {
  /** Replaces the file's text and analyses it. Never throws on any text. */
  /** `shape`: the problem to check aux index ranges at (AnalyzeOptions.shape). */
  analyze(fileName: string, text: string, target: TargetId, vecSize?: number, shape?: BoundsShape): FileAnalysis;
  /** The TypeScript language service positioned on the last text given for this file. */
  languageService(fileName: string): LanguageServiceView | null;
  /** The editor closed the file. */
  close(fileName: string): void;
}
