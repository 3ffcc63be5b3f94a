// Inlay hints after each aux load: ⟨v8·16B⟩, ⟨uniform⟩, ⟨gather⟩, ⟨scalar⟩, ⟨g32·v2·8B⟩ (scoremod.inlayHints).
import { InlayHintKind, MarkupKind, type InlayHint, type Range } from "vscode-languageserver/node";
import type { FileAnalysis } from "../analysis/facts";
import { groupedText } from "../analysis/laneText";
import { rangesOverlap } from "./convert";
import { inlayLabel } from "./format";

export function inlayHints(analysis: FileAnalysis, range: Range): InlayHint[] {
  const out: InlayHint[] = [];
  // A load in a helper or a called mod is inlined into each caller (and once per call): one hint
  // per place in the source, its tooltip naming every other use with its own verdict.
  const at = new Map<string, { hint: InlayHint; tip: string[] }>();
  for (const mod of analysis.mods) {
    for (const load of mod.loads) {
      if (!rangesOverlap(load.range, range)) continue;
      const runs = groupedText(load, mod.vecSize);
      const key = `${load.range.end.line}:${load.range.end.character}`;
      const seen = at.get(key);
      if (seen) {
        seen.tip.push(`Another use in '${mod.name}' (a call inlined, or a loop iteration): ${inlayLabel(load)} ${load.class}${runs ? ` (${runs})` : ""}, ${load.widthElems} elem × ${load.loadsPerVec} load(s) per V=${mod.vecSize}`);
        seen.hint.tooltip = { kind: MarkupKind.Markdown, value: seen.tip.join("\n\n") };
        continue;
      }
      const tip = [`${load.class}${runs ? ` (${runs})` : ""}: ${load.widthElems} elem × ${load.loadsPerVec} load(s) per V=${mod.vecSize}`];
      if (load.why) tip.push(`Why not wider: ${load.why}`);
      const hint: InlayHint = {
        position: { line: load.range.end.line, character: load.range.end.character },
        label: inlayLabel(load),
        kind: InlayHintKind.Type,
        paddingLeft: true,
        tooltip: { kind: MarkupKind.Markdown, value: tip.join("\n\n") },
      };
      at.set(key, { hint, tip });
      out.push(hint);
    }
  }
  out.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
  return out;
}
