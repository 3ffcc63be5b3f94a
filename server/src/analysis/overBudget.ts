// The analysis of a file TypeScript could not process within the budget the analysis runs under
// (server/src/budget): one located SM151 error and nothing else, so no mod is `ok` and no
// generator, export or run gets code for it. Pure: built from the text without TypeScript's
// parser (which is what may have run over).
import { SM } from "./codes";
import type { FileAnalysis } from "./facts";
import type { Range } from "./ir";
import { budgetSuspect } from "./limits";
import { DEFAULT_TARGET, isTargetId, type TargetId } from "./targets";

export interface Budget { timeoutMs: number; memoryMb: number }

/** A range from offsets, for text TypeScript never parsed (TypeScript's line breaks). */
export function offsetRange(text: string, start: number, end: number): Range {
  const at = (off: number) => {
    const head = text.slice(0, Math.max(0, Math.min(off, text.length)));
    const lines = head.split(/\r\n|[\n\r\u2028\u2029]/);
    return { line: lines.length - 1, character: lines[lines.length - 1].length };
  };
  return { start: at(start), end: at(end) };
}

export function budgetMessage(b: Budget): string {
  const s = b.timeoutMs >= 1000 ? `${+(b.timeoutMs / 1000).toFixed(1)} s` : `${b.timeoutMs} ms`;
  return `TypeScript could not check this file within ${s} / ${b.memoryMb} MB; score_mod files need no type-level programming: ` +
    "remove recursive, conditional or mapped types and deeply nested expressions (nothing is generated for this file until it checks)";
}

export function overBudgetAnalysis(fileName: string, text: string, target: TargetId | string | undefined, b: Budget): FileAnalysis {
  const at = budgetSuspect(text);
  return {
    fileName, target: target && isTargetId(target) ? target : DEFAULT_TARGET,
    diagnostics: [{ range: offsetRange(text, at.start, at.end), severity: "error", code: SM.overBudget, message: budgetMessage(b) }],
    tensors: [], scalars: [], mods: [], divisible: {},
  };
}
