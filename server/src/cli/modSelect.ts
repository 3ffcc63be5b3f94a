// Shared by `scoremod cuda` and `scoremod export`: pick the mods to generate, refusing with a
// located message when a mod (or the declarations it depends on) has errors.
import type { Diagnostic, FileAnalysis, ModFact } from "../analysis/facts";
import type { Range } from "../analysis/ir";
import { InputError } from "./args";

/** The file has errors that stop code generation; the message lists them (exit 1). */
export class GenerationBlocked extends Error {}

function inside(r: Range, outer: Range): boolean {
  const a = r.start.line * 1e6 + r.start.character, b = outer.start.line * 1e6 + outer.start.character;
  const c = outer.end.line * 1e6 + outer.end.character;
  return a >= b && a <= c;
}

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
  const errors = fa.diagnostics.filter((d) => d.severity === "error");
  // Errors outside every mod (declarations, options) affect all mods; errors inside a mod, only it.
  const global = errors.filter((d) => !fa.mods.some((m) => inside(d.range, m.range)));
  const blocked: string[] = [];
  for (const m of mods) {
    const own = errors.filter((d) => inside(d.range, m.range));
    if (!m.ok || own.length || global.length) {
      blocked.push(`mod '${m.name}' has errors; fix them first:`);
      for (const d of [...global, ...own]) blocked.push(`  ${formatDiag(file, d)}`);
      if (!own.length && !global.length) blocked.push(`  (its body could not be translated; run 'scoremod check ${file}')`);
    }
  }
  if (blocked.length) throw new GenerationBlocked(blocked.join("\n"));
  return mods;
}
