// Fixes (code actions) that edit a call's options object literal, located by an OptionsSite.
// Edits are computed from the site's own text and ranges, never by re-parsing the file, so they
// stay pure; when the text is not a shape we can edit safely we return null (no fix, never a
// wrong edit).
import type { Fix, OptionsSite, TextEdit } from "./facts";
import type { Pos, Range } from "./ir";

/**
 * Where the options argument goes when the call has none: tensor(name, dtype, shape, OPTIONS)
 * takes it last, scoreMod(OPTIONS, fn) / maskMod(OPTIONS, fn) first. The site's insertAt must
 * be the zero-width point just after the last argument (last) or just before the fn (first).
 */
export type OptionsPosition = "first" | "last";

export function propKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

/** Adds `key: value` to an object literal's text; null when the text is not `{ ... }`. */
export function insertProp(objText: string, key: string, value: string): string | null {
  const t = objText.trimEnd();
  if (!t.startsWith("{") || !t.endsWith("}")) return null;
  let inner = t.slice(0, -1).trimEnd();
  if (inner === "{") return `{ ${propKey(key)}: ${value} }`;
  if (!inner.endsWith(",")) inner += ",";
  return `${inner} ${propKey(key)}: ${value} }`;
}

/** Fix that sets one property of the options object (replace, insert, or add the argument). */
export function setOptionFix(site: OptionsSite, key: string, value: string, title: string, position: OptionsPosition): Fix | null {
  const edit = setOptionEdit(site, key, value, position);
  return edit ? { title, edits: [edit] } : null;
}

export function setOptionEdit(site: OptionsSite, key: string, value: string, position: OptionsPosition): TextEdit | null {
  const existing = Object.prototype.hasOwnProperty.call(site.props, key) ? site.props[key] : undefined;
  if (existing) return { range: existing, newText: value };
  if (site.range && site.text !== null) {
    const newText = insertProp(site.text, key, value);
    return newText === null ? null : { range: site.range, newText };
  }
  if (site.range) return null;
  const obj = `{ ${propKey(key)}: ${value} }`;
  return { range: site.insertAt, newText: position === "last" ? `, ${obj}` : `${obj}, ` };
}

/** Offset of `pos` inside the site's text (which starts at site.range.start), or null. */
function offsetIn(site: OptionsSite, pos: Pos): number | null {
  if (!site.range || site.text === null) return null;
  const lines = site.text.split("\n");
  const rel = pos.line - site.range.start.line;
  if (rel < 0 || rel >= lines.length) return null;
  let off = 0;
  for (let i = 0; i < rel; i++) off += lines[i].length + 1;
  const ch = rel === 0 ? pos.character - site.range.start.character : pos.character;
  if (ch < 0 || ch > lines[rel].length) return null;
  return off + ch;
}

/** The source text of a range inside the options object (a property's value). */
export function textIn(site: OptionsSite, range: Range): string | null {
  const a = offsetIn(site, range.start);
  const b = offsetIn(site, range.end);
  if (a === null || b === null || b < a || site.text === null) return null;
  return site.text.slice(a, b);
}

/** Sets `key: n` inside a `{ ... }` of numeric facts, replacing an existing entry for the key. */
export function setFactInObject(objText: string, key: string, n: number): string | null {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const re = new RegExp(`([{,]\\s*)(${escaped}|"${escaped}"|'${escaped}')(\\s*:\\s*)([^,}\\s]+)`);
  if (re.test(objText)) return objText.replace(re, (_m, pre: string, k: string, colon: string) => `${pre}${k}${colon}${n}`);
  return insertProp(objText, key, String(n));
}

/** Fix that declares divisibility facts on a tensor (merging into an existing `divisible`). */
export function declareDivisibleFix(site: OptionsSite, facts: Record<string, number>, title: string): Fix | null {
  const keys = Object.keys(facts).sort();
  if (keys.length === 0) return null;
  const existing = Object.prototype.hasOwnProperty.call(site.props, "divisible") ? site.props.divisible : undefined;
  if (existing) {
    let text = textIn(site, existing);
    if (text === null) return null;
    for (const k of keys) {
      const next: string | null = setFactInObject(text, k, facts[k]);
      if (next === null) return null;
      text = next;
    }
    return { title, edits: [{ range: existing, newText: text }] };
  }
  const obj = `{ ${keys.map((k) => `${propKey(k)}: ${facts[k]}`).join(", ")} }`;
  return setOptionFix(site, "divisible", obj, title, "last");
}

const posAt = (text: string, o: number): Pos => {
  const before = text.slice(0, o);
  return { line: before.split("\n").length - 1, character: o - (before.lastIndexOf("\n") + 1) };
};

/**
 * Imports names from "scoremod": added to the file's `import { ... } from "scoremod"`, or a new
 * import line after the file's last import (at the top when it has none). "none" when all are
 * imported already; null when a name is bound to something else there (no safe edit).
 */
export function importEdit(text: string, names: string[]): TextEdit | null | "none" {
  const m = /import\s*\{([^}]*)\}\s*from\s*["']scoremod["']/.exec(text);
  if (!m) {
    // After the last import statement's line, so header comments stay first.
    let at = 0;
    for (const imp of text.matchAll(/^import\b[^"']*["'][^"'\n]*["'];?/gm)) {
      const eol = text.indexOf("\n", (imp.index ?? 0) + imp[0].length);
      at = eol < 0 ? text.length + 1 : eol + 1;
    }
    const p = posAt(text, Math.min(at, text.length));
    const nl = at > text.length ? "\n" : "";
    return { range: { start: p, end: p }, newText: `${nl}import { ${names.join(", ")} } from "scoremod";\n` };
  }
  // Each specifier binds its alias or its own name; a name bound to something else cannot be added.
  const specs = m[1]!.split(",").map((x) => x.trim()).filter(Boolean).map((x) => x.split(/\s+as\s+/).map((y) => y.trim()));
  const bound = new Map(specs.map(([src, alias]) => [alias ?? src!, src!]));
  if (names.some((n) => bound.has(n) && bound.get(n) !== n)) return null;
  const add = names.filter((n) => !bound.has(n));
  if (!add.length) return "none";
  const inner = m[1]!.trimEnd();
  const at = posAt(text, m.index + m[0].indexOf("{") + 1 + inner.length);
  const sep = inner.trim() ? (inner.trim().endsWith(",") ? " " : ", ") : " ";
  return { range: { start: at, end: at }, newText: `${sep}${add.join(", ")}` };
}
