// What one fuzz case must satisfy: analyze() returns (never throws), reports no SM199 (an
// internal error is a bug even though it is caught), keeps every range inside the text, and
// finishes within the time limit.
import { AnalysisHost } from "../../server/src/analysis/index";
import type { FileAnalysis } from "../../server/src/analysis/facts";
import type { Range } from "../../server/src/analysis/ir";

export const TIME_LIMIT_MS = 1000;

function rangeProblem(r: Range, lines: string[]): string | null {
  const ok = (p: Range["start"]) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  if (!ok(r.start) || !ok(r.end)) return `range ${JSON.stringify(r)} outside the text`;
  if (r.end.line < r.start.line || (r.end.line === r.start.line && r.end.character < r.start.character)) return `range ${JSON.stringify(r)} ends before it starts`;
  return null;
}

/** Problems found in one analysis ([] when the case passes). */
export function problems(a: FileAnalysis, text: string, ms: number): string[] {
  const out: string[] = [];
  if (ms > TIME_LIMIT_MS) out.push(`took ${ms.toFixed(0)} ms (limit ${TIME_LIMIT_MS})`);
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

export function runCase(host: AnalysisHost, text: string): { problems: string[]; ms: number } {
  const t0 = performance.now();
  let a: FileAnalysis;
  try {
    host.setFile("fuzz.scoremod.ts", text);
    // Half the cases also check index safety at a problem shape (bounds.ts), as the editor does.
    a = host.analyze("fuzz.scoremod.ts", { vecSize: text.length % 3 === 0 ? 4 : undefined, shape: text.length % 2 === 0 ? { B: 2, H: 3, Q: 300, KV: 257 } : undefined });
  } catch (err) {
    return { problems: [`threw: ${err instanceof Error ? err.stack ?? err.message : String(err)}`], ms: performance.now() - t0 };
  }
  const ms = performance.now() - t0;
  return { problems: problems(a, text, ms), ms };
}
