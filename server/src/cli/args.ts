// Shared by every CLI command: flag parsing with clear usage errors, and reading the input
// file with a clear message for each way it can be unusable (never a stack trace).
import { readFileSync, realpathSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { isTargetId, TARGETS, type TargetId } from "../analysis/targets";

/** Exit codes shared by the commands. */
export const EXIT = { ok: 0, errors: 1, usage: 2 } as const;

/** Bad command line or unusable input: the message is printed as is, exit code 2. */
export class UsageError extends Error {}
/** The input file is unusable (missing, binary, empty, ...): a UsageError with no usage text. */
export class InputError extends UsageError {}

/** "list": a string flag that may be repeated (`--aux a=x.npy --aux b=y.npy`), its values in order. */
export type FlagKind = "string" | "boolean" | "int" | "list";
export type FlagSpec = Record<string, FlagKind>;
type ValueOf<K extends FlagKind> = K extends "boolean" ? boolean : K extends "int" ? number : K extends "list" ? string[] : string;
export type Flags<S extends FlagSpec> = { [K in keyof S]?: ValueOf<S[K]> };
export interface ParsedArgs<S extends FlagSpec> { positional: string[]; flags: Flags<S> }

/**
 * `--name value`, `--name=value`, boolean `--name`; `--` ends the flags. Unknown flags, a
 * missing value, a repeated flag (except a "list" flag) or a non-integer for an int flag throw UsageError.
 */
export function parseArgs<S extends FlagSpec>(argv: readonly string[], spec: S): ParsedArgs<S> {
  const positional: string[] = [];
  const flags: Record<string, string | number | boolean | string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") { positional.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith("--") || a === "-") { positional.push(a); continue; }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!Object.prototype.hasOwnProperty.call(spec, name)) {
      const known = Object.keys(spec).map((k) => `--${k}`).join(", ");
      throw new UsageError(`unknown option '--${name}'${known ? ` (options: ${known})` : ""}`);
    }
    const kind = spec[name];
    if (kind !== "list" && Object.prototype.hasOwnProperty.call(flags, name)) throw new UsageError(`option '--${name}' given twice`);
    if (kind === "boolean") {
      if (eq >= 0) throw new UsageError(`option '--${name}' takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) value = argv[++i];
    if (value === undefined || value === "") throw new UsageError(`option '--${name}' needs a value`);
    if (kind === "int") {
      if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw new UsageError(`option '--${name}' needs an integer, got '${value}'`);
      }
      flags[name] = Number(value);
    } else if (kind === "list") ((flags[name] ??= []) as string[]).push(value);
    else flags[name] = value;
  }
  return { positional, flags: flags as Flags<S> };
}

/**
 * `--flag NAME=VALUE` (numbers; integers when `int`), repeated or comma-separated
 * (`--dim A=1,B=2` is `--dim A=1 --dim B=2`); a name given twice is an error.
 */
export function parseAssignments(flag: string, values: readonly string[] | undefined, int: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of (values ?? []).flatMap((v) => v.split(","))) {
    const m = /^\s*([A-Za-z_$][\w$]*)\s*=\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/i.exec(item);
    if (!m || (int && !Number.isSafeInteger(Number(m[2])))) throw new UsageError(`--${flag} needs NAME=${int ? "INTEGER" : "NUMBER"}[,NAME=...], got '${item}'`);
    if (Object.prototype.hasOwnProperty.call(out, m[1]!)) throw new UsageError(`--${flag}: ${m[1]} given twice`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

export const MAX_SOURCE_BYTES = 5 * 1024 * 1024;
const TS_EXTENSIONS = new Set([".ts", ".mts", ".cts"]);

/** Reads a score_mod source file; throws UsageError saying plainly what is wrong with it. */
export function readSourceFile(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new InputError(`${path}: no such file`);
    if (code === "EACCES") throw new InputError(`${path}: permission denied`);
    throw new InputError(`${path}: cannot read (${code ?? "unknown error"})`);
  }
  if (st.isDirectory()) throw new InputError(`${path}: is a directory; give a .scoremod.ts file`);
  if (!st.isFile()) throw new InputError(`${path}: not a regular file`);
  const ext = extname(path).toLowerCase();
  if (!TS_EXTENSIONS.has(ext) || path.toLowerCase().endsWith(".d.ts")) {
    throw new InputError(`${path}: not a TypeScript source file (expected *.scoremod.ts or *.ts${ext ? `, got '${ext}'` : ""})`);
  }
  if (st.size > MAX_SOURCE_BYTES) {
    throw new InputError(`${path}: too large (${(st.size / 1048576).toFixed(1)} MB; the limit is 5 MB): a score_mod file is a few hundred lines`);
  }
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === "EACCES" ? "permission denied" : `cannot read (${code ?? "unknown error"})`}`);
  }
  if (buf.includes(0)) throw new InputError(`${path}: binary file (contains NUL bytes), not TypeScript source`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new InputError(`${path}: not valid UTF-8 text (binary or another encoding); save it as UTF-8`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") throw new InputError(`${path}: empty file: nothing to analyse`);
  return text;
}

/** Where commands write; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout / stderr is a terminal (colour, progress); absent: not a terminal. */
  outIsTTY?: boolean;
  errIsTTY?: boolean;
  /** Environment for NO_COLOR / FORCE_COLOR / TERM (default: none set). */
  env?: Record<string, string | undefined>;
  /** Directory that relative paths and globs are resolved against (default: process.cwd()). */
  cwd?: string;
}
export const processIo: Io = {
  out: (t) => { process.stdout.write(t); },
  err: (t) => { process.stderr.write(t); },
  get outIsTTY() { return process.stdout.isTTY === true; },
  get errIsTTY() { return process.stderr.isTTY === true; },
  get env() { return process.env; },
  get cwd() { return process.cwd(); },
};

/** The one FILE operand every command takes. */
export function singleFile(positional: readonly string[]): string {
  if (positional.length !== 1) throw new UsageError(positional.length ? `expected one FILE, got ${positional.length}` : "missing FILE");
  return positional[0]!;
}

/** `--target T`, checked against the known targets. */
export function targetFlag(value: string | undefined): TargetId | undefined {
  if (value === undefined) return undefined;
  if (!isTargetId(value)) throw new UsageError(`unknown target '${value}': use one of ${Object.keys(TARGETS).join(", ")}`);
  return value;
}

/** `--vec V`: a power of two (the analysis then says whether the target accepts it). */
export function vecFlag(value: number | undefined, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  // Not `value & (value - 1)`: bitwise operators truncate to 32 bits, so 3 * 2^31 would pass.
  if (!Number.isInteger(value) || value < 1 || value > max || 2 ** Math.round(Math.log2(value)) !== value) {
    throw new UsageError(`--vec must be a power of two (1, 2, 4, ... ${Number.isFinite(max) ? max : 128}), got ${value}`);
  }
  return value;
}

/**
 * Reports a usage or input error the same way in every command: the message (and `{ error }` on
 * stdout with --json), then the usage text unless the input itself was the problem. Exit 2.
 */
export function reportUsageError(command: string, err: UsageError, io: Io, usage: string, json = false): number {
  io.err(`scoremod ${command}: ${err.message}\n`);
  if (json) io.out(JSON.stringify({ error: err.message }) + "\n");
  else if (!(err instanceof InputError)) io.err(usage);
  return EXIT.usage;
}

/** Whether two paths name the same file (through symlinks when the file exists): an --out that is the input is refused. */
export function samePath(a: string, b: string): boolean {
  const real = (p: string) => { try { return realpathSync(p); } catch { return resolve(p); } };
  return real(a) === real(b);
}
