// Builds generated C++ text with a `#line` directive before every statement that comes from the
// .scoremod.ts source, and records the line map (generated line -> source line, both 1-based).

export interface LineMapEntry { genLine: number; srcLine: number }

export class LineWriter {
  readonly lines: string[] = [];
  readonly map: LineMapEntry[] = [];
  /** `lineDirectives: false` (the editor's preview) records the map without writing `#line`. */
  constructor(private readonly file: string, private readonly lineDirectives = true) {}

  /** A line of generated code attributed to source line `srcLine0` (0-based, as IR ranges are). */
  stmt(srcLine0: number, indent: number, text: string): void {
    if (this.lineDirectives) this.lines.push(`#line ${srcLine0 + 1} ${cString(this.file)}`);
    this.lines.push("  ".repeat(indent) + text);
    this.map.push({ genLine: this.lines.length, srcLine: srcLine0 + 1 });
  }

  /** A line with no source (comments, preprocessor, helpers). */
  raw(text: string): void { this.lines.push(...text.split("\n")); }

  /** Point nvcc's line info back at the generated file itself, so code after this is not blamed on the source. */
  resetTo(genFile: string): void {
    if (this.lineDirectives) this.lines.push(`#line ${this.lines.length + 2} ${cString(genFile)}`);
  }

  text(): string { return this.lines.join("\n") + "\n"; }
}

/**
 * A C string literal of any user text (file names in `#line` and comments): backslash, quote and
 * every control character escaped (octal, which cannot run into the next character), so no name
 * can end a literal, a comment or a line.
 */
export function cString(s: string): string {
  const body = s.replace(/[\\"\u0000-\u001f\u007f\u2028\u2029]/g, (c) => {
    if (c === "\\") return "\\\\";
    if (c === '"') return '\\"';
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    const code = c.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\${code.toString(8).padStart(3, "0")}`;
  });
  return `"${body}"`;
}

export { cIdent } from "../analysis/identifiers";
