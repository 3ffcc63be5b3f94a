// Colour for human output, and the code frame under a diagnostic. Colour is on for a terminal
// and off otherwise; NO_COLOR (any non-empty value, https://no-color.org) turns it off;
// FORCE_COLOR turns it on even into a pipe (FORCE_COLOR=0 or =false turns it off), and wins
// over NO_COLOR as in Node's own util; TERM=dumb turns it off on a terminal. `--color
// always|never` overrides all of these.
import type { Range } from "../analysis/ir";

export type ColorMode = "auto" | "always" | "never";

export function useColor(isTTY: boolean | undefined, env: Record<string, string | undefined> = {}, mode: ColorMode = "auto"): boolean {
  if (mode !== "auto") return mode === "always";
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === "0" || force.toLowerCase() === "false");
  if (env.NO_COLOR) return false;
  return isTTY === true && env.TERM !== "dumb";
}

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  blue(s: string): string;
  cyan(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
export const COLORS: Paint = { red: sgr(31, 39), yellow: sgr(33, 39), blue: sgr(34, 39), cyan: sgr(36, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
const id = (s: string) => s;
export const PLAIN: Paint = { red: id, yellow: id, blue: id, cyan: id, dim: id, bold: id };

export function paint(on: boolean): Paint { return on ? COLORS : PLAIN; }

/** A severity word in its colour. */
export function severityColor(p: Paint, severity: string): (s: string) => string {
  return severity === "error" ? (s) => p.bold(p.red(s)) : severity === "warning" ? (s) => p.bold(p.yellow(s)) : (s) => p.bold(p.blue(s));
}

/** Longest source line shown in a frame; a longer line is shown as a window around the range. */
const MAX_FRAME = 120;

/**
 * The source line of a range and a caret line under it (`^^^` over the range's extent on its
 * first line; one `^` for an empty range). Tabs stay tabs in the caret line so it lines up.
 * Empty when the line does not exist.
 */
export function codeFrame(lines: readonly string[], r: Range, p: Paint = PLAIN, color: (s: string) => string = (s) => s): string[] {
  const text = lines[r.start.line];
  if (text === undefined) return [];
  const startCol = Math.min(r.start.character, text.length);
  const endCol = r.end.line === r.start.line ? Math.max(startCol + 1, Math.min(r.end.character, text.length)) : Math.max(startCol + 1, text.length);
  let from = 0, to = text.length;
  if (text.length > MAX_FRAME) {
    from = Math.max(0, Math.min(startCol - 40, text.length - MAX_FRAME));
    to = Math.min(text.length, from + MAX_FRAME);
  }
  const shown = (from > 0 ? "…" : "") + text.slice(from, to) + (to < text.length ? "…" : "");
  const pad = (from > 0 ? " " : "") + text.slice(from, startCol).replace(/[^\t]/g, " ");
  const carets = "^".repeat(Math.max(1, Math.min(endCol, to) - startCol));
  const num = String(r.start.line + 1);
  const gutter = " ".repeat(num.length);
  return [
    `${p.dim(` ${num} |`)} ${shown.replace(/\s+$/, "")}`,
    `${p.dim(` ${gutter} |`)} ${pad}${color(carets)}`,
  ];
}
