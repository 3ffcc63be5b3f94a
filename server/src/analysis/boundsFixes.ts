// Quick fixes for an aux index not proven in range (SM160, SM161, SM163): clamp the index into
// its extent, or guard the load with the condition that keeps it in range. Both are text edits
// computed from the file's text and the IR's ranges (pure); each side of an index is fixed only
// where it is not proven. The analysis proves both forms (a clamp through min/max, a guard by
// narrowing, bounds.ts), so the fixed file re-analyses without the diagnostic.
import type { Fix, TextEdit } from "./facts";
import { importEdit } from "./fixes";
import type { Expr, Pos } from "./ir";

/** One index of the load to fix and which of its sides are not proven. */
export interface OpenIndex { dim: number; low: boolean; high: boolean; extent: number | string }

type LoadExpr = Extract<Expr, { k: "load" }>;

function offsetAt(text: string, p: Pos): number {
  let off = 0;
  for (let line = 0; line < p.line; line++) {
    const nl = text.indexOf("\n", off);
    if (nl < 0) return -1;
    off = nl + 1;
  }
  return off + p.character;
}

const sliceOf = (text: string, e: { range: { start: Pos; end: Pos } }): string | null => {
  const a = offsetAt(text, e.range.start), b = offsetAt(text, e.range.end);
  return a < 0 || b < a || b > text.length ? null : text.slice(a, b);
};

/** The extent in DSL code: a number, or dim("NAME"). */
const extentCode = (x: number | string): string => (typeof x === "number" ? String(x) : `dim(${JSON.stringify(x)})`);
const lastCode = (x: number | string): string => (typeof x === "number" ? String(x - 1) : `${extentCode(x)} - 1`);

function withImports(text: string, names: string[], edits: TextEdit[]): TextEdit[] | null {
  const imp = importEdit(text, names);
  if (imp === null) return null;
  return imp === "none" ? edits : [imp, ...edits];
}

/** "Clamp index i into [0, N)": clamp(x, 0, N - 1), or max/min when only one side is open. */
export function clampFix(text: string, load: LoadExpr, open: OpenIndex[]): Fix | null {
  const edits: TextEdit[] = [];
  const names = new Set<string>();
  for (const o of open) {
    const ix = load.idx[o.dim];
    const src = ix && sliceOf(text, ix);
    if (!ix || src === null || (!o.low && !o.high)) return null;
    // Both sides: clamp(x, 0, N - 1); one side: max(x, 0) or min(x, N - 1).
    let code = src;
    if (o.low && o.high) { code = `clamp(${code}, 0, ${lastCode(o.extent)})`; names.add("clamp"); }
    else if (o.low) { code = `max(${code}, 0)`; names.add("max"); }
    else { code = `min(${code}, ${lastCode(o.extent)})`; names.add("min"); }
    if (o.high && typeof o.extent === "string") names.add("dim");
    edits.push({ range: ix.range, newText: code });
  }
  const all = withImports(text, [...names].sort(), edits);
  if (!all || !edits.length) return null;
  const what = open.map((o) => `index ${o.dim}`).join(" and ");
  return { title: `Clamp ${what} into its extent (${open.map((o) => `[0, ${o.extent})`).join(", ")})`, edits: all };
}

/** "Guard the load": (x >= 0 && x < N ? t.at(...) : 0), only the sides that are open. */
export function guardFix(text: string, load: LoadExpr, open: OpenIndex[]): Fix | null {
  const whole = sliceOf(text, load);
  if (whole === null) return null;
  const conds: string[] = [];
  const names = new Set<string>();
  for (const o of open) {
    const ix = load.idx[o.dim];
    const src = ix && sliceOf(text, ix);
    if (!ix || src === null) return null;
    // A compound index is parenthesised so the comparison reads it whole.
    const x = /^[\w.]+(\([^()]*\))?$/.test(src.trim()) ? src.trim() : `(${src})`;
    if (o.low) conds.push(`${x} >= 0`);
    if (o.high) { conds.push(`${x} < ${extentCode(o.extent)}`); if (typeof o.extent === "string") names.add("dim"); }
  }
  if (!conds.length) return null;
  const zero = load.ty === "bool" ? "false" : "0";
  const edits = withImports(text, [...names], [{ range: load.range, newText: `(${conds.join(" && ")} ? ${whole} : ${zero})` }]);
  if (!edits) return null;
  return { title: `Guard the load: read it only where ${conds.join(" && ")} (else ${zero})`, edits };
}
