// FILE operands of `scoremod check`: literal paths and globs, expanded here (not by the shell)
// so `scoremod check 'src/**/*.scoremod.ts'` behaves the same in bash, PowerShell and cmd.
// A glob that matches no TypeScript source is an input error; a literal path is passed through
// and read (and reported on) by readSourceFile like before. The matcher is our own (Node 20 has
// no fs.glob, and the glob packages' ESM builds use import.meta.url, which the CommonJS bundles
// of this project cannot carry): `*`, `?`, `[...]`, `{a,b}` and `**` (zero or more folders),
// names starting with "." only when the pattern's segment does, symlinked folders not followed.
import { existsSync, readdirSync, statSync, type Dirent } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { InputError, UsageError } from "./args";

/** One operand after expansion: the path as the user will see it, and the pattern it came from. */
export interface InputFile { path: string; fromGlob?: string }

/** Folders no glob descends into (a `**` through node_modules finds thousands of files). */
export const GLOB_SKIP = new Set(["node_modules", ".git"]);

/** Whether a pattern has glob syntax. */
export function isDynamicPattern(pattern: string): boolean { return /[*?[\]{}]/.test(pattern); }

/** `a{b,c}d` -> `abd`, `acd` (nested braces too); a lone `{` stays literal. */
export function expandBraces(pattern: string): string[] {
  let depth = 0, open = -1;
  const commas: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") { i++; continue; }
    if (c === "{") { if (depth++ === 0) { open = i; commas.length = 0; } }
    else if (c === "}" && depth > 0) {
      if (--depth === 0) {
        const parts: string[] = [];
        let from = open + 1;
        for (const k of commas) { parts.push(pattern.slice(from, k)); from = k + 1; }
        parts.push(pattern.slice(from, i));
        if (parts.length < 2) continue;
        const head = pattern.slice(0, open), tail = pattern.slice(i + 1);
        return parts.flatMap((p) => expandBraces(head + p + tail));
      }
    } else if (c === "," && depth === 1) commas.push(i);
  }
  return [pattern];
}

/** One path segment's pattern as a RegExp (`*`, `?`, `[...]`; no `/`). */
export function segmentRegExp(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = seg.indexOf("]", i + 2);
      if (close < 0) { re += "\\["; continue; }
      let body = seg.slice(i + 1, close);
      if (body.startsWith("!")) body = "^" + body.slice(1);
      re += `[${body.replace(/\\/g, "\\\\")}]`;
      i = close;
    } else if (c === "\\" && i + 1 < seg.length) re += seg[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function isDir(full: string, d: Dirent): boolean {
  if (d.isDirectory()) return true;
  if (!d.isSymbolicLink()) return false;
  try { return statSync(full).isDirectory(); } catch { return false; }
}
function isFile(full: string, d: Dirent): boolean {
  if (d.isFile()) return true;
  if (!d.isSymbolicLink()) return false;
  try { return statSync(full).isFile(); } catch { return false; }
}

/** The files a pattern (forward slashes) matches, as paths joined to the pattern's static prefix. */
export function globFiles(pattern: string, cwd: string): string[] {
  const out = new Set<string>();
  for (const p of expandBraces(pattern)) {
    const segs = p.split("/");
    let k = 0;
    while (k < segs.length - 1 && !isDynamicPattern(segs[k]!)) k++;
    const prefix = segs.slice(0, k).join("/") || (p.startsWith("/") ? "/" : "");
    const rest = segs.slice(k).filter((s, i, a) => !(s === "**" && a[i + 1] === "**"));
    const walk = (dirShown: string, i: number): void => {
      const dirAbs = resolve(cwd, dirShown || ".");
      const seg = rest[i]!;
      let entries: Dirent[];
      try { entries = readdirSync(dirAbs, { withFileTypes: true }); } catch { return; }
      const last = i === rest.length - 1;
      if (seg === "**") {
        if (last) return; // a trailing ** names folders, not files
        walk(dirShown, i + 1);
        for (const d of entries) {
          if (d.name.startsWith(".") || GLOB_SKIP.has(d.name) || !d.isDirectory()) continue; // symlinks not followed
          walk(dirShown ? `${dirShown.replace(/\/$/, "")}/${d.name}` : d.name, i);
        }
        return;
      }
      const re = segmentRegExp(seg);
      for (const d of entries) {
        if (d.name.startsWith(".") && !seg.startsWith(".")) continue;
        if (!re.test(d.name)) continue;
        const shown = dirShown ? `${dirShown.replace(/\/$/, "")}/${d.name}` : d.name;
        const full = join(dirAbs, d.name);
        if (last) { if (isFile(full, d)) out.add(shown); }
        else if (!GLOB_SKIP.has(d.name) && isDir(full, d)) walk(shown, i + 1);
      }
    };
    if (rest.length) walk(prefix, 0);
  }
  return [...out];
}

const isTsSource = (p: string): boolean => /\.(c|m)?ts$/i.test(p) && !/\.d\.(c|m)?ts$/i.test(p);

/** Whether an operand is a glob: it has glob syntax and is not the name of an existing file. */
export function isGlob(operand: string, cwd: string): boolean {
  const pattern = sep === "\\" ? operand.replace(/\\/g, "/") : operand;
  return isDynamicPattern(pattern) && !existsSync(resolve(cwd, operand));
}

/**
 * Expands the operands in order: literal paths as given, each glob's matches sorted (only
 * TypeScript sources, never under node_modules or .git), duplicates dropped (first wins).
 * Throws InputError for a glob that matches nothing, UsageError for no operands at all.
 */
export function expandFiles(operands: readonly string[], cwd: string): InputFile[] {
  if (operands.length === 0) throw new UsageError("missing FILE");
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const add = (f: InputFile): void => {
    const key = resolve(cwd, f.path);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(f);
  };
  for (const operand of operands) {
    if (!isGlob(operand, cwd)) { add({ path: operand }); continue; }
    // Globs use forward slashes on every platform; a Windows user may type backslashes.
    const pattern = sep === "\\" ? operand.replace(/\\/g, "/") : operand;
    const matches = globFiles(pattern, cwd)
      .filter(isTsSource)
      .sort();
    if (matches.length === 0) {
      throw new InputError(`no TypeScript source file matches '${operand}' (in ${cwd}; node_modules and .git are not searched)`);
    }
    for (const m of matches) add({ path: isAbsolute(m) ? m : m.split("/").join(sep), fromGlob: operand });
  }
  return out;
}

/** A path for machine formats: relative to cwd with forward slashes when inside it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const abs = resolve(cwd, path);
  const rel = relative(cwd, abs);
  if (rel && !rel.startsWith("..") && !isAbsolute(rel)) return rel.split(sep).join("/");
  return abs.split(sep).join("/");
}
