// The one decision "can this mod be generated?". The analysis computes it per mod
// (`ModFact.blocking`, `ModFact.ok`); every consumer (the CUDA generator, both exports, the CLI's
// cuda/export/bench, the language server's previews and CodeLens, the runner) reads it and words
// its refusal with `blockedMessage`. The rule (ARCHITECTURE.md, "Which errors block a mod"):
// a mod's blocking errors are every error of the file except those lying wholly inside another
// mod's declaration. So errors in the mod itself block it, and so do errors outside every mod
// (tensor and scalar declarations, imports, helpers, options): generated code is built from those
// declarations, and the analysis does not track which of them a mod depends on, so any of them
// could make its code wrong or uncompilable. An error inside a different mod does not: code is
// generated per mod, and a collision between two mods' names is reported on the later one —
// unless the mod calls that other mod: its body is then inlined, so its errors are the mod's own.
import type { Diagnostic, FileAnalysis, ModFact } from "./facts";
import type { Range } from "./ir";
import { SM } from "./codes";

function before(a: Range["start"], b: Range["start"]): boolean {
  return a.line < b.line || (a.line === b.line && a.character <= b.character);
}
function inside(r: Range, outer: Range): boolean { return before(outer.start, r.start) && before(r.end, outer.end); }
/** Option errors (target, vecSize override) sit at the file's origin: they belong to no mod. */
function atOrigin(r: Range): boolean {
  return r.start.line === 0 && r.start.character === 0 && r.end.line === 0 && r.end.character === 0;
}

/**
 * The errors that stop `mod` from being generated, in source order. `translated` is false when
 * its body could not be turned into IR or classified; should no error explain that, one is made.
 */
export function blockingDiagnostics(diagnostics: readonly Diagnostic[], mods: readonly Pick<ModFact, "name" | "range">[], mod: Pick<ModFact, "name" | "range" | "nameRange" | "inlines">, translated: boolean): Diagnostic[] {
  // A mod it calls is part of its code (inlined): an error there blocks it too.
  const others = mods.filter((m) => m !== mod && !mod.inlines?.includes(m.name));
  const out = diagnostics.filter((d) => d.severity === "error" && (atOrigin(d.range) || !others.some((o) => inside(d.range, o.range))));
  if (!translated && out.length === 0) {
    out.push({ range: mod.nameRange, severity: "error", code: SM.internal, message: `the body of '${mod.name}' could not be translated (run 'scoremod check')` });
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** `file:line:col: CODE message` (1-based), the one way a blocking error is cited. */
export function citeDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.code} ${d.message}`;
}

/** Null when the mod can be generated; else a refusal naming its first blocking error and where. */
export function blockedMessage(mod: ModFact, file: string): string | null {
  if (mod.ok) return null;
  const [first, ...rest] = mod.blocking;
  const more = rest.length ? ` (and ${rest.length} more error${rest.length > 1 ? "s" : ""})` : "";
  return `mod '${mod.name}' cannot be generated until its errors are fixed: ${first ? citeDiagnostic(file, first) : "(no error recorded)"}${more}`;
}

