// Text the editor shows for facts: hover Markdown and inlay labels. Pure functions of the facts,
// so the tests can pin them down without a server.
import type { LoadFact, ModFact } from "../analysis/facts";
import type { Target, TargetId } from "../analysis/targets";
import { groupedText } from "../analysis/laneText";
import { floatPositionLine } from "../analysis/positions";
import { stagingLine } from "../analysis/staging";
import { codeSpan } from "./markdown";

/**
 * The inlay label after a load: ⟨v8·16B⟩ for a vector load, ⟨uniform⟩, ⟨gather⟩, ⟨scalar⟩; a
 * grouped load leads with its run length: ⟨g32·v4·16B⟩, ⟨g32·bcast⟩ (one element per call).
 */
export function inlayLabel(load: LoadFact): string {
  if (load.class === "uniform") return "⟨uniform⟩";
  if (load.class === "gather") return "⟨gather⟩";
  const lead = load.class === "grouped" ? `g${load.group ?? "?"}·` : "";
  if (load.class === "grouped" && load.widthElems <= 1 && load.loadsPerVec <= 1) return `⟨${lead}bcast⟩`;
  if (load.widthElems <= 1) return `⟨${lead}scalar⟩`;
  return `⟨${lead}v${load.widthElems}·${load.widthBytes}B⟩`;
}

const CLASS_TEXT: Record<Exclude<LoadFact["class"], "grouped">, string> = {
  uniform: "uniform — no kv dependence: loaded once, broadcast to every lane",
  contiguous: "contiguous — kv enters only the stride-1 dim with coefficient +1",
  gather: "gather — lanes read unrelated addresses: one scalar load per lane",
};

/** The lane class in words; a grouped load's depends on its run length and V. */
export function classText(load: LoadFact, V: number): string {
  if (load.class !== "grouped") return CLASS_TEXT[load.class];
  return `grouped — ${groupedText(load, V)} (each aligned run of ${load.group ?? "?"} lanes reads one element)`;
}

export function loadHover(load: LoadFact, mod: ModFact | undefined, target?: TargetId): string {
  const v = mod?.vecSize ?? 1;
  const lines: string[] = [];
  lines.push(`**${codeSpan(load.text)}** · tensor ${codeSpan(load.tensor)}${mod ? ` · mod ${codeSpan(mod.name)} (V=${v})` : ""}`);
  lines.push("");
  lines.push(`- **Lane class:** ${classText(load, v)}`);
  lines.push(`- **Width:** ${load.widthElems} elem${load.widthElems === 1 ? "" : "s"} · ${load.widthBytes} B per load`);
  lines.push(`- **Loads per V=${v} scores:** ${load.loadsPerVec}`);
  lines.push(`- **Why not wider:** ${load.why ?? "as wide as V and the target allow"}`);
  // The safe fix first, as the quick fixes are ordered.
  if (load.safeFix) lines.push(`- **Fix:** ${load.safeFix.title} (quick fix available)`);
  if (load.fix) lines.push(`- **${load.safeFix ? "Or" : "Fix"}:** ${load.fix.title} (quick fix available)`);
  if (load.staging) lines.push(`- **Shared memory:** staged — ${stagingLine(load.staging, target ? { target } : undefined)}`);
  else if (load.stagingWhy) lines.push(`- **Shared memory:** not staged — ${load.stagingWhy}; read from global memory by each thread`);
  if (load.bounds) {
    const what = { proven: "every index proven in range", obligation: "not provable here: the runner checks it with the bounds-checked build before timing", violated: "**out of range** (see the error)" }[load.bounds.verdict];
    // The detail starts with the load's own text, which may hold backticks or comments: a code span.
    const d = load.bounds.detail, head = `${load.text}: `;
    const detail = d.startsWith(head) ? `${codeSpan(load.text)}: ${d.slice(head.length)}` : codeSpan(d);
    const needs = load.bounds.needs?.length ? ` — in range when ${load.bounds.needs.join(" and ")}` : "";
    lines.push(`- **Index safety at ${load.bounds.shape}:** ${what}${needs}`, `  - ${detail}`);
  }
  if (load.obligations.length) {
    lines.push("", "**Runtime obligations** (checked by the runner before every launch):");
    for (const o of load.obligations) lines.push(`- ${codeSpan(o.text)}`);
  }
  if (load.proof.length) {
    lines.push("", "**Proof:**");
    load.proof.forEach((s, i) => lines.push(`${i + 1}. ${s}`));
  }
  return lines.join("\n");
}

export function modHover(mod: ModFact, target: Target): string {
  const r = mod.registers;
  const pct = r.budget > 0 ? Math.round((100 * r.estimate) / r.budget) : 0;
  const regNote = r.estimate > r.budget ? " — **over budget: expect spills**" : pct >= 85 ? " — close to the budget" : "";
  const lines = [
    `**${mod.kind === "score" ? "scoreMod" : "maskMod"} ${codeSpan(mod.name)}** on \`${target.id}\``,
    "",
    `- **V (vecSize):** ${mod.vecSize}${mod.vecSizeExplicit ? "" : " (default)"}`,
    `- **Target cap:** V ≤ ${target.vecCap} (${target.ownership === "row" ? "one thread per S row" : "mma layout: kv pairs"})`,
    `- **tile_n:** ${target.tileN} (V must divide it)`,
    `- **Registers:** ~${r.estimate} of ${r.budget} (${pct}%)${regNote}`,
    `- **Aux loads:** ${mod.loads.length}${mod.loads.length ? " — " + mod.loads.map((l) => `${codeSpan(l.text)} ${inlayLabel(l)}`).join(", ") : ""}`,
  ];
  for (const f of mod.floatPositions ?? []) lines.push(`- **Float positions:** ${floatPositionLine({ ...f, text: codeSpan(f.text) })}`);
  const first = mod.blocking[0];
  if (!mod.ok) lines.push("", `_No code can be generated until its errors are fixed${first ? ` (line ${first.range.start.line + 1}: ${first.code} ${first.message})` : ""}._`);
  return lines.join("\n");
}
