// Shared by `scoremod cuda`, `export` and `bench`: pick the mods to generate, refusing with a
// located message when the analysis blocks one (ModFact.blocking, analysis/generatable.ts).
import type { Diagnostic, FileAnalysis, ModFact } from "../analysis/facts";
import { blockedMessage } from "../analysis/generatable";
import { InputError } from "./args";

/** The file has errors that stop code generation; the message lists them (exit 1). */
export class GenerationBlocked extends Error {}

export function formatDiag(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code}: ${d.message}`;
}

/** The mods to generate: the named one, or every mod. Throws InputError / GenerationBlocked. */
export function selectMods(fa: FileAnalysis, file: string, name: string | undefined): ModFact[] {
  if (fa.mods.length === 0) {
    // No mods because the file could not be analysed at all (SM150, SM151): say why.
    const whole = fa.diagnostics.filter((d) => d.code === "SM150" || d.code === "SM151");
    if (whole.length) throw new GenerationBlocked([`${file}: could not be analysed; nothing is generated until this is fixed:`, ...whole.map((d) => `  ${formatDiag(file, d)}`)].join("\n"));
    throw new GenerationBlocked(`${file}: declares no scoreMod or maskMod: nothing to generate`);
  }
  const mods = name === undefined ? fa.mods : fa.mods.filter((m) => m.name === name);
  if (mods.length === 0) {
    throw new InputError(`${file}: no mod named '${name}' (mods: ${fa.mods.map((m) => m.name).join(", ")})`);
  }
  const blocked: string[] = [];
  for (const m of mods) {
    const why = blockedMessage(m, file);
    if (!why) continue;
    blocked.push(why);
    for (const d of m.blocking) blocked.push(`  ${formatDiag(file, d)}`);
  }
  if (blocked.length) throw new GenerationBlocked(blocked.join("\n"));
  return mods;
}
