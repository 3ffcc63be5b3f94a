// Hover: on an aux load, the load's facts; on a mod's name, the mod's facts; elsewhere
// TypeScript's quick info (see tsFeatures.ts), so the file still feels like TypeScript.
import { MarkupKind, type Hover, type Position } from "vscode-languageserver/node";
import type { FileAnalysis } from "../analysis/facts";
import { TARGETS } from "../analysis/targets";
import { rangeContains, toRange } from "./convert";
import { loadHover, modHover } from "./format";

/** The analysis's own hover at `pos`, or null when the position is on no load and no mod name. */
export function factHover(analysis: FileAnalysis, pos: Position): Hover | null {
  // Innermost load first: a load nested in another load's index wins.
  let best: { hover: Hover; size: number } | null = null;
  for (const mod of analysis.mods) {
    for (const load of mod.loads) {
      if (!rangeContains(load.range, pos)) continue;
      const size = (load.range.end.line - load.range.start.line) * 1e6 + (load.range.end.character - load.range.start.character);
      if (!best || size < best.size) {
        best = { size, hover: { contents: { kind: MarkupKind.Markdown, value: loadHover(load, mod, analysis.target) }, range: toRange(load.range) } };
      }
    }
  }
  if (best) return best.hover;
  const target = TARGETS[analysis.target];
  for (const mod of analysis.mods) {
    if (rangeContains(mod.nameRange, pos) && target) {
      return { contents: { kind: MarkupKind.Markdown, value: modHover(mod, target) }, range: toRange(mod.nameRange) };
    }
  }
  return null;
}
