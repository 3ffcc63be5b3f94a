// What one fuzz case must satisfy: analyze() returns (never throws), reports no SM199 (an
// internal error is a bug even though it is caught), keeps every range inside the text, and
// finishes within the time limit. Under a budget (server/src/budget), a hostile case (type-level
// or backtracking generators) may instead get SM151, but only within the budget; an ordinary case
// never may.
import { AnalysisHost, type AnalyzeOptions } from "../../server/src/analysis/index";
import type { FileAnalysis } from "../../server/src/analysis/facts";
import type { Range } from "../../server/src/analysis/ir";

export const TIME_LIMIT_MS = 1000;

/** An analysis under a budget (BudgetedAnalysis): the case's own time is `stats.ms` (a worker's start excluded). */
export interface BudgetedAnalyzer {
  analyze(fileName: string, text: string, opts: AnalyzeOptions): FileAnalysis;
  readonly budget: { timeoutMs: number };
  readonly stats: { ms: number };
}

function rangeProblem(r: Range, lines: string[]): string | null {
  const ok = (p: Range["start"]) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  if (!ok(r.start) || !ok(r.end)) return `range ${JSON.stringify(r)} outside the text`;
  if (r.end.line < r.start.line || (r.end.line === r.start.line && r.end.character < r.start.character)) return `range ${JSON.stringify(r)} ends before it starts`;
  return null;
}

/** Problems found in one analysis ([] when the case passes). */
export function problems(a: FileAnalysis, text: string, ms: number, limitMs = TIME_LIMIT_MS): string[] {
  const out: string[] = [];
  if (ms > limitMs) out.push(`took ${ms.toFixed(0)} ms (limit ${limitMs})`);
  for (const d of a.diagnostics) if (d.code === "SM199") out.push(`internal error: ${d.message}`);
  // TypeScript counts \r, \u2028 and \u2029 as line breaks too.
  const lines = text.split(/\r\n|[\n\r\u2028\u2029]/);
  const ranges = [...a.diagnostics.map((d) => d.range), ...a.mods.flatMap((m) => [m.range, m.nameRange, ...m.loads.map((l) => l.range)])];
  for (const r of ranges) {
    const p = rangeProblem(r, lines);
    if (p) { out.push(p); break; }
  }
  try { JSON.stringify(a); } catch (err) { out.push(`analysis is not serialisable: ${String(err)}`); }
  return out;
}

function caseOptions(text: string): AnalyzeOptions {
  // Half the cases also check index safety at a problem shape (bounds.ts), as the editor does.
  return { vecSize: text.length % 3 === 0 ? 4 : undefined, shape: text.length % 2 === 0 ? { B: 2, H: 3, Q: 300, KV: 257 } : undefined };
}

/** One case on an in-thread host, or (with `hostile` allowed to overrun) on a budgeted analysis. */
export function runCase(host: AnalysisHost | BudgetedAnalyzer, text: string, hostile = false, slowMs = TIME_LIMIT_MS): { problems: string[]; ms: number; overrun: boolean } {
  const t0 = performance.now();
  let a: FileAnalysis;
  try {
    if (host instanceof AnalysisHost) {
      host.setFile("fuzz.scoremod.ts", text);
      a = host.analyze("fuzz.scoremod.ts", caseOptions(text));
    } else {
      a = host.analyze("fuzz.scoremod.ts", text, caseOptions(text));
    }
  } catch (err) {
    return { problems: [`threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}`], ms: performance.now() - t0, overrun: false };
  }
  if (host instanceof AnalysisHost) {
    const ms = performance.now() - t0;
    return { problems: problems(a, text, ms, slowMs), ms, overrun: false };
  }
  const ms = host.stats.ms, budget = host.budget.timeoutMs;
  const overrun = a.diagnostics.some((d) => d.code === "SM151");
  // The budget's deadline is checked every 250 ms at most; a hostile case may use all of it.
  const out = problems(a, text, ms, hostile ? budget + 500 : slowMs);
  if (overrun && !hostile) out.push(`an ordinary case ran over the analysis budget (${budget} ms)`);
  return { problems: out, ms, overrun };
}
