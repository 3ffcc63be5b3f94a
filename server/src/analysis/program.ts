// The TypeScript side of the analysis: a language service over an in-memory file system holding
// the DSL typings (as node_modules/scoremod, so `import ... from "scoremod"` resolves with no npm
// install in the user's folder), a tiny lib (noLib; see miniLib.ts) and the user's files. No IO.
// An edit replaces one file's snapshot and tells TypeScript which span changed, so the parser
// re-parses only around the edit (as tsserver does) and the lib and typings stay parsed and bound.
import { ts } from "ts-morph";
import { DSL_TYPINGS } from "./dslTypings.generated";
import { MINI_LIB } from "./miniLib";
import type { Diagnostic, Severity } from "./facts";
import type { Range } from "./ir";
import { SM } from "./codes";
import { checkLimits, neutralizeDocComments, type LimitViolation } from "./limits";

export const LIB_PATH = "/lib/scoremod-lib.d.ts";
export const TYPINGS_PATH = "/node_modules/scoremod/index.d.ts";

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  noLib: true,
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  isolatedModules: true,
  allowJs: false,
  // Keep the checker from walking @types folders that do not exist in memory.
  types: [],
};

/** A user file's name mapped into the in-memory file system: one folder per file, always `.ts`. */
function virtualName(index: number, fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() || "file";
  const safe = base.replace(/[^A-Za-z0-9_.-]/g, "_").replace(/\.(d\.)?[cm]?tsx?$/i, "") || "file";
  return `/files/${index}/${safe}.ts`;
}

/** One version of a file. It knows the edit that made it from its predecessor (incremental parse). */
function snapshotOf(text: string, previous?: ts.IScriptSnapshot): ts.IScriptSnapshot {
  const snap = ts.ScriptSnapshot.fromString(text);
  if (!previous) return snap;
  const old = previous.getText(0, previous.getLength());
  // The changed span is what lies between the common prefix and the common suffix.
  let head = 0;
  const n = Math.min(old.length, text.length);
  while (head < n && old.charCodeAt(head) === text.charCodeAt(head)) head++;
  let tail = 0;
  while (tail < n - head && old.charCodeAt(old.length - 1 - tail) === text.charCodeAt(text.length - 1 - tail)) tail++;
  const range = ts.createTextChangeRange(ts.createTextSpan(head, old.length - head - tail), text.length - head - tail);
  snap.getChangeRange = (oldSnap) => (oldSnap === previous ? range : undefined);
  return snap;
}

/** The in-memory files and the language service reading them. */
class Workspace {
  readonly files = new Map<string, { snapshot: ts.IScriptSnapshot; version: number }>();
  private projectVersion = 0;
  readonly service: ts.LanguageService;

  constructor() {
    this.write(LIB_PATH, MINI_LIB);
    this.write(TYPINGS_PATH, DSL_TYPINGS);
    const files = this.files;
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => COMPILER_OPTIONS,
      getProjectVersion: () => String(this.projectVersion),
      getScriptFileNames: () => [...files.keys()],
      getScriptVersion: (f) => String(files.get(f)?.version ?? 0),
      getScriptSnapshot: (f) => files.get(f)?.snapshot,
      getCurrentDirectory: () => "/",
      getDefaultLibFileName: () => LIB_PATH,
      useCaseSensitiveFileNames: () => true,
      fileExists: (f) => files.has(f),
      readFile: (f) => { const s = files.get(f)?.snapshot; return s?.getText(0, s.getLength()); },
      directoryExists: (d) => {
        const dir = d.endsWith("/") ? d : `${d}/`;
        for (const f of files.keys()) if (f.startsWith(dir)) return true;
        return false;
      },
      getDirectories: () => [],
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry(true, "/"));
  }

  write(path: string, text: string): void {
    const prev = this.files.get(path);
    this.files.set(path, { snapshot: snapshotOf(text, prev?.snapshot), version: (prev?.version ?? 0) + 1 });
    this.projectVersion++;
  }

  remove(path: string): void {
    if (this.files.delete(path)) this.projectVersion++;
  }
}

export class TsProgram {
  private workspace = new Workspace();
  private readonly paths = new Map<string, string>();
  private readonly texts = new Map<string, string>();
  /** Files TypeScript is not given (beyond limits.ts's limits): they hold "" in the project. */
  private readonly violations = new Map<string, LimitViolation>();

  /** The raw TypeScript language service (completion, hover, definition for the LSP). */
  get languageService(): ts.LanguageService {
    return this.workspace.service;
  }

  /** The in-memory path of a user file (what the language service calls it). */
  pathOf(fileName: string): string {
    let p = this.paths.get(fileName);
    if (!p) {
      p = virtualName(this.paths.size, fileName);
      this.paths.set(fileName, p);
    }
    return p;
  }

  setFile(fileName: string, text: string): void {
    if (this.texts.get(fileName) === text) return;
    this.texts.set(fileName, text);
    const violation = checkLimits(text);
    if (violation) this.violations.set(fileName, violation);
    else this.violations.delete(fileName);
    try {
      this.put(fileName, violation ? "" : neutralizeDocComments(text));
      // Parse now, so a parser failure is caught here rather than in whichever request comes next.
      this.workspace.service.getProgram();
    } catch (err) {
      // TypeScript failed on text within the limits (a stack overflow, say): start over with a
      // fresh service and keep this file empty there, reported as a violation.
      this.violations.set(fileName, { message: `TypeScript cannot process this file (${err instanceof Error ? err.message : String(err)}): simplify its deepest expressions`, start: 0, end: 0 });
      this.workspace = new Workspace();
      for (const [name, t] of this.texts) {
        this.put(name, this.violations.has(name) ? "" : neutralizeDocComments(t));
        try {
          this.workspace.service.getProgram();
        } catch {
          this.violations.set(name, { message: "TypeScript cannot process this file: simplify its deepest expressions", start: 0, end: 0 });
          this.put(name, "");
        }
      }
    }
  }

  private put(fileName: string, text: string): void {
    this.workspace.write(this.pathOf(fileName), text);
  }

  /** Why the file was not given to TypeScript, or undefined when it was. */
  violation(fileName: string): LimitViolation | undefined { return this.violations.get(fileName); }

  hasFile(fileName: string): boolean { return this.texts.has(fileName); }
  textOf(fileName: string): string | undefined { return this.texts.get(fileName); }

  removeFile(fileName: string): void {
    const path = this.paths.get(fileName);
    if (!path) return;
    this.workspace.remove(path);
    this.texts.delete(fileName);
    this.violations.delete(fileName);
  }

  /** The checked program's AST of a user file (the same one the diagnostics come from). */
  sourceFile(fileName: string): ts.SourceFile | undefined {
    return this.languageService.getProgram()?.getSourceFile(this.pathOf(fileName));
  }

  /** TypeScript's own syntactic and semantic diagnostics for one user file. */
  diagnostics(fileName: string): Diagnostic[] {
    const path = this.pathOf(fileName);
    const ls = this.languageService;
    const sf = this.sourceFile(fileName);
    const syntactic = ls.getSyntacticDiagnostics(path).map((d) => toDiagnostic(d, sf));
    try {
      return [...syntactic, ...ls.getSemanticDiagnostics(path).map((d) => toDiagnostic(d, sf))];
    } catch (err) {
      // TypeScript's checker can fail an internal assertion on malformed code ("Debug Failure.
      // No error for last overload signature", found by the fuzzer on a file whose exports refer
      // to themselves). That is a broken file, not a broken analysis: say so where it starts.
      if (!(err instanceof Error && /Debug Failure/.test(err.message))) throw err;
      const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      return [...syntactic, { range: at, severity: "error", code: SM.checkerFailed, message: `TypeScript could not type-check this file (its checker failed: ${err.message.split("\n")[0]}); fix the syntax and name errors, or simplify the file` }];
    }
  }
}

function severityOf(c: ts.DiagnosticCategory): Severity {
  if (c === ts.DiagnosticCategory.Error) return "error";
  if (c === ts.DiagnosticCategory.Warning) return "warning";
  return "info";
}

export function rangeOf(sf: ts.SourceFile, start: number, end: number): Range {
  const s = sf.getLineAndCharacterOfPosition(Math.max(0, Math.min(start, sf.text.length)));
  const e = sf.getLineAndCharacterOfPosition(Math.max(0, Math.min(end, sf.text.length)));
  return { start: { line: s.line, character: s.character }, end: { line: e.line, character: e.character } };
}

function toDiagnostic(d: ts.Diagnostic, sf: ts.SourceFile | undefined): Diagnostic {
  const start = d.start ?? 0;
  const range = sf ? rangeOf(sf, start, start + (d.length ?? 0))
    : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return {
    range,
    severity: severityOf(d.category),
    code: `TS${d.code}`,
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  };
}
