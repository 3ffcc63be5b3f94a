// The TypeScript side of the analysis: an in-memory ts-morph project holding the DSL typings
// (as node_modules/scoremod, so `import ... from "scoremod"` resolves with no npm install in
// the user's folder), a tiny lib (noLib; see miniLib.ts) and the user's files. No IO: every
// file lives in ts-morph's in-memory file system. Edits replace one file; the language
// service reuses the unchanged lib/typings source files and their bindings.
import { Project, ts, type SourceFile } from "ts-morph";
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

export class TsProgram {
  project: Project;
  private readonly paths = new Map<string, string>();
  private readonly texts = new Map<string, string>();
  /** Files TypeScript is not given (beyond limits.ts's limits): they hold "" in the project. */
  private readonly violations = new Map<string, LimitViolation>();

  constructor() {
    this.project = TsProgram.newProject();
  }

  private static newProject(): Project {
    const project = new Project({
      useInMemoryFileSystem: true,
      skipLoadingLibFiles: true,
      skipFileDependencyResolution: true,
      compilerOptions: COMPILER_OPTIONS,
    });
    project.createSourceFile(LIB_PATH, MINI_LIB);
    project.createSourceFile(TYPINGS_PATH, DSL_TYPINGS);
    return project;
  }

  /** The raw TypeScript language service (completion, hover, definition for the LSP). */
  get languageService(): ts.LanguageService {
    return this.project.getLanguageService().compilerObject;
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
    } catch (err) {
      // TypeScript or ts-morph failed on text within the limits (a stack overflow, say): start
      // over with a fresh project and keep this file empty there, reported as a violation.
      this.violations.set(fileName, { message: `TypeScript cannot process this file (${err instanceof Error ? err.message : String(err)}): simplify its deepest expressions`, start: 0, end: 0 });
      this.project = TsProgram.newProject();
      for (const [name, t] of this.texts) {
        try {
          this.put(name, this.violations.has(name) ? "" : neutralizeDocComments(t));
        } catch {
          this.violations.set(name, { message: "TypeScript cannot process this file: simplify its deepest expressions", start: 0, end: 0 });
          this.put(name, "");
        }
      }
    }
  }

  private put(fileName: string, text: string): void {
    const path = this.pathOf(fileName);
    const existing = this.project.getSourceFile(path);
    if (existing) existing.replaceWithText(text);
    else this.project.createSourceFile(path, text);
  }

  /** Why the file was not given to TypeScript, or undefined when it was. */
  violation(fileName: string): LimitViolation | undefined { return this.violations.get(fileName); }

  hasFile(fileName: string): boolean { return this.texts.has(fileName); }
  textOf(fileName: string): string | undefined { return this.texts.get(fileName); }

  removeFile(fileName: string): void {
    const path = this.paths.get(fileName);
    if (!path) return;
    const sf = this.project.getSourceFile(path);
    if (sf) this.project.removeSourceFile(sf);
    this.texts.delete(fileName);
    this.violations.delete(fileName);
  }

  /** The checked program's AST of a user file (the same one the diagnostics come from). */
  sourceFile(fileName: string): ts.SourceFile | undefined {
    return this.languageService.getProgram()?.getSourceFile(this.pathOf(fileName));
  }

  morphFile(fileName: string): SourceFile | undefined {
    return this.project.getSourceFile(this.pathOf(fileName));
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
