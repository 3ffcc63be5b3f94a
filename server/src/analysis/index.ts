// The analysis entry: TypeScript's diagnostics + extraction + per-mod classification, as one
// FileAnalysis. Pure (no IO) and total: any internal exception becomes an SM199 diagnostic.
import { DTYPE_SPECS } from "scoremod/vocabulary";
import type { ts } from "ts-morph";
import { anySizeBounds, describeAnySize, describeBounds, loadBounds, loadNode, type BoundsShape } from "./bounds";
import { clampFix, guardFix, type OpenIndex } from "./boundsFixes";
import { setOptionFix } from "./fixes";
import { nameCollisions } from "./identifiers";
import { classifyMod, type ClassifyInput } from "./classify";
import { vecSizeRules } from "./modChecks";
import { SM } from "./codes";
import { isPow2 } from "./poly";
import { floatPositionSites } from "./positions";
import { dedupeDiagnostics, extract, type ExtractedMod, type Extraction } from "./extract";
import type { Diagnostic, FileAnalysis, Fix, ModFact } from "./facts";
import type { Range } from "./ir";
import { blockingDiagnostics } from "./generatable";
import { LIB_PATH, TYPINGS_PATH, TsProgram } from "./program";
import { DEFAULT_TARGET, TARGETS, isTargetId, withTileN, type Target, type TargetId } from "./targets";

export interface AnalyzeOptions {
  target?: TargetId;
  /** Overrides every mod's vecSize (the CLI's --vec, an editor setting). */
  vecSize?: number;
  /** Overrides every aux tensor's align, in bytes or "elem" (its element size): the runner's sweep and `align` jobs. */
  align?: number | "elem";
  /**
   * The problem the mods will run on (the editor's scoremod.problem.*): index safety is checked
   * at this shape (bounds.ts) and reported as SM160-SM162. No effect on code generation.
   */
  shape?: BoundsShape;
  /**
   * With `shape`: values of the file's own dims (default 16, rounded up to its divisibility facts:
   * the static check's assumption where nothing is run; a run refuses an unset dim, runner/ownDims.ts)
   * and of scalars (default: declared).
   */
  dims?: Record<string, number>;
  scalars?: Record<string, number>;
  /**
   * The kv tile width of the kernel the runner launches, when it is the target's wider one
   * (Target.wideTile: the Hopper kernel at 176 columns, runner/source.ts wgBlockN): staged rows
   * are that wide. Recorded in FileAnalysis.tileN; any other value is an SM131 error.
   */
  tileN?: number;
}

export { LIB_PATH, TYPINGS_PATH };
export type { BoundsShape };

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function internalError(where: string, err: unknown, range: Range = ZERO): Diagnostic {
  const msg = err instanceof Error ? err.message : String(err);
  return { range, severity: "error", code: SM.internal, message: `internal analysis error (${where}): ${msg}. Please report this file.` };
}

/** Quick fixes for a load's open indices: declare the index tensor's values (when read straight from one), clamp, guard. */
function indexFixes(fa: FileAnalysis, text: string, m: ModFact, loadId: number, tensorName: string, open: (OpenIndex & { readsTensor?: string })[]): Fix[] {
  const fixes: Fix[] = [];
  const own = fa.tensors.find((t) => t.name === tensorName);
  for (const x of open) {
    // An index read straight from an integer tensor with no declared range: offer to declare it.
    const src = x.readsTensor ? fa.tensors.find((t) => t.varName === x.readsTensor) : undefined;
    if (!src || src.values || DTYPE_SPECS[src.dtype].lane !== "int" || typeof own?.shape[x.dim] !== "number") continue;
    const f = setOptionFix(src.options, "values", `[0, ${x.extent}]`, `Declare that ${src.name} holds values in [0, ${x.extent}) (a promise the runner checks before every launch)`, "last");
    if (f) fixes.push(f);
  }
  const node = loadNode(m.body, loadId);
  if (node && open.length) {
    const c = clampFix(text, node, open), g = guardFix(text, node, open);
    if (c) fixes.push(c);
    if (g) fixes.push(g);
  }
  return fixes;
}

/** SM160 (violated), SM161 (unproven) and SM162 (int32 offsets on FA4) for every load at `shape`. */
function boundsDiagnostics(fa: FileAnalysis, text: string, shape: BoundsShape, int32Target: boolean, dimsIn: Record<string, number> = {}, scalarsIn: Record<string, number> = {}): Diagnostic[] {
  const dims: Record<string, number> = {};
  for (const t of fa.tensors) for (const d of t.shape) if (typeof d === "string") { const m = fa.divisible[d] ?? 1; dims[d] = Math.ceil(16 / m) * m; }
  Object.assign(dims, dimsIn);
  const scalars = Object.fromEntries(fa.scalars.map((s) => [s.name, scalarsIn[s.name] ?? s.defaultValue]));
  const at = `B=${shape.B} H=${shape.H} Q=${shape.Q} KV=${shape.KV}`;
  const out: Diagnostic[] = [];
  for (const m of fa.mods) {
    for (const l of loadBounds(fa, m, shape, dims, scalars)) {
      const fact = m.loads.find((x) => x.id === l.loadId)!;
      const range = fact.range;
      fact.bounds = { verdict: l.verdict, shape: at, detail: describeBounds(l), indices: l.indices, assumes: l.assumes };
      const own = fa.tensors.find((t) => t.name === l.tensor);
      const open = l.indices.filter((x) => x.verdict !== "proven").map((x) => ({
        dim: x.dim, extent: own?.shape[x.dim] ?? x.extent, readsTensor: x.readsTensor,
        low: !(x.lo >= 0), high: !(x.hi <= x.extent - 1),
      }));
      const fixes = l.verdict === "proven" ? [] : indexFixes(fa, text, m, l.loadId, l.tensor, open);
      const withFixes = fixes.length ? { fixes } : {};
      if (l.verdict === "violated") {
        const i = l.indices.find((x) => x.verdict === "violated")!, w = i.witness!;
        out.push({ range, severity: "error", code: SM.indexOutOfRange, message: `${l.tensor} index ${i.dim} leaves [0, ${i.extent}) at ${at}: at b=${w.b}, h=${w.h}, q=${w.q}, kv=${w.kv} it is ${w.index}${m.kind === "score" ? MASK_NOTE : ""}`, ...withFixes });
      } else if (l.verdict === "obligation") {
        const dimsOpen = l.indices.filter((x) => x.verdict !== "proven").map((x) => `index ${x.dim} ${Number.isFinite(x.lo) ? `in [${x.lo}, ${x.hi}]` : "unknown"} vs extent ${x.extent}`);
        out.push({ range, severity: "warning", code: SM.indexUnproven, message: `${l.tensor}: cannot prove ${dimsOpen.join(", ")} at ${at}; the runner checks it on the real tensors (bounds-checked build) before timing`, ...withFixes });
      }
      if (int32Target && l.int32Overflow) {
        out.push({ range, severity: "warning", code: SM.offsetOverflowsInt32, message: `${l.tensor}: the linear offset reaches ${l.maxOffset} at ${at}, past 2^31 - 1: FA4's int32 index math wraps here (the runner's CUDA uses 64-bit offsets)` });
      }
    }
  }
  return out;
}

const MASK_NOTE = " (score mods run on masked positions too: a mask does not protect this load; a condition inside the mod does)";

/**
 * With no problem shape: verdicts that hold at every size (bounds.ts anySizeBounds). SM160 when
 * the smallest problem already reads out of range, SM161 when an index's values come from data,
 * SM163 (information) when the index is in range under a condition on the sizes or scalars.
 */
function anySizeDiagnostics(fa: FileAnalysis, text: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of fa.mods) {
    for (const l of anySizeBounds(fa, m)) {
      const fact = m.loads.find((x) => x.id === l.loadId)!;
      const needs = [...new Set(l.indices.flatMap((i) => (i.verdict === "proven" ? [] : i.needs)))];
      fact.bounds = {
        verdict: l.verdict, shape: l.at ?? "any size", detail: describeAnySize(l), assumes: l.assumes, ...(l.verdict === "proven" ? {} : { needs }),
        indices: l.indices.map((i) => ({ dim: i.dim, range: i.range, extent: i.extent, verdict: i.verdict, ...(i.verdict === "proven" ? {} : { needs: i.needs }), ...(i.witness ? { witness: i.witness } : {}) })),
      };
      if (l.verdict === "proven") continue;
      const open = l.indices.filter((i) => i.verdict !== "proven").map((i) => ({ dim: i.dim, extent: i.extent, readsTensor: i.readsTensor, ...i.open }));
      const fixes = indexFixes(fa, text, m, l.loadId, l.tensor, open);
      const withFixes = fixes.length ? { fixes } : {};
      const range = fact.range;
      if (l.verdict === "violated") {
        const i = l.indices.find((x) => x.verdict === "violated")!, w = i.witness!;
        out.push({ range, severity: "error", code: SM.indexOutOfRange, message: `${l.tensor} index ${i.dim} leaves [0, ${i.extent}) even at the smallest problem (${l.at}): at b=${w.b}, h=${w.h}, q=${w.q}, kv=${w.kv} it is ${w.index}${m.kind === "score" ? MASK_NOTE : ""}`, ...withFixes });
      } else if (l.data) {
        const why = l.indices.filter((i) => i.unprovable).map((i) => (i.unprovable === "data"
          ? `index ${i.dim}${i.readsTensor ? ` (read from ${fa.tensors.find((t) => t.varName === i.readsTensor)?.name ?? i.readsTensor})` : ""} in range at any size: its values come from data`
          : `index ${i.dim} in range at any size: its bounds ${i.range} leave [0, ${i.extent}) at every size`));
        out.push({ range, severity: "warning", code: SM.indexUnproven, message: `${l.tensor}: cannot prove ${why.join("; ")}; the runner checks it on the real tensors (bounds-checked build) before timing`, ...withFixes });
      } else {
        const what = l.indices.filter((i) => i.verdict !== "proven").map((i) => `index ${i.dim} (${i.range} vs extent ${i.extent})`);
        out.push({ range, severity: "info", code: SM.indexNeedsSizes, message: `${l.tensor}: ${what.join(", ")} is in range when ${needs.join(" and ")}; the runner checks it at the real sizes before launch`, ...withFixes });
      }
    }
  }
  return out;
}

function posKey(d: Diagnostic): number { return d.range.start.line * 1e6 + d.range.start.character; }


/**
 * Open files sharing one in-memory TypeScript project. An edit re-parses and re-checks only the
 * edited file: the lib and the DSL typings stay parsed and bound across edits.
 */
export class AnalysisHost {
  private readonly program = new TsProgram();

  setFile(fileName: string, text: string): void { this.program.setFile(fileName, text); }
  removeFile(fileName: string): void {
    this.program.removeFile(fileName);
    // The language service keeps its last program, and with it the removed file's AST and text,
    // until its next request: rebuild it now (the other files' ASTs are reused) so a closed
    // document holds no memory.
    this.program.languageService.getProgram();
  }
  hasFile(fileName: string): boolean { return this.program.hasFile(fileName); }

  /** TypeScript's language service over the same in-memory program (completion, hover, definition). */
  get languageService(): ts.LanguageService { return this.program.languageService; }
  /** The name a user file has inside the language service. */
  pathOf(fileName: string): string { return this.program.pathOf(fileName); }

  analyze(fileName: string, opts: AnalyzeOptions = {}): FileAnalysis {
    const targetId: TargetId = opts.target && isTargetId(opts.target) ? opts.target : DEFAULT_TARGET;
    const result: FileAnalysis = { fileName, target: targetId, diagnostics: [], tensors: [], scalars: [], mods: [], divisible: {} };
    const target = withTileN(TARGETS[targetId], opts.tileN);
    if (opts.tileN !== undefined && target.tileN !== opts.tileN) {
      const wide = TARGETS[targetId].wideTile?.tileN;
      result.diagnostics.push({ range: ZERO, severity: "error", code: SM.badOption, message: `tileN ${opts.tileN}: ${targetId} runs ${TARGETS[targetId].tileN}${wide ? ` or ${wide}` : ""}-column tiles` });
    }
    if (target.tileN !== TARGETS[targetId].tileN) result.tileN = target.tileN;
    try {
      if (!this.program.hasFile(fileName)) this.program.setFile(fileName, "");
      this.analyzeInto(result, fileName, opts, target);
    } catch (err) {
      result.diagnostics.push(internalError("file", err));
      // Wherever it stopped, the error (at the origin) blocks every mod it found.
      for (const mod of result.mods) {
        mod.blocking = blockingDiagnostics(result.diagnostics, result.mods, mod, mod.ok);
        mod.ok = false;
      }
    }
    result.diagnostics = dedupeDiagnostics(result.diagnostics).sort((a, b) => posKey(a) - posKey(b));
    return result;
  }

  private analyzeInto(out: FileAnalysis, fileName: string, opts: AnalyzeOptions, target: Target): void {
    if (opts.target !== undefined && !isTargetId(opts.target)) {
      out.diagnostics.push({ range: ZERO, severity: "error", code: SM.badOption, message: `unknown target '${String(opts.target)}': use one of ${Object.keys(TARGETS).join(", ")}` });
    }
    let override: number | undefined;
    if (opts.vecSize !== undefined) {
      if (isPow2(opts.vecSize)) override = opts.vecSize;
      else out.diagnostics.push({ range: ZERO, severity: "error", code: SM.badOption, message: `vecSize ${opts.vecSize} is not a power of two (1, 2, 4, ... 128)` });
    }
    const violation = this.program.violation(fileName);
    if (violation) {
      const text = this.program.textOf(fileName) ?? "";
      out.diagnostics.push({ range: textRange(text, violation.start, violation.end), severity: "error", code: SM.tooComplex, message: violation.message });
      return;
    }
    try {
      out.diagnostics.push(...this.program.diagnostics(fileName));
    } catch (err) {
      // TypeScript's checker recurses through chains of declarations; a file of thousands of
      // consts each naming the next can overflow it even within the syntactic limits.
      if (!(err instanceof RangeError)) throw err;
      out.diagnostics.push({ range: ZERO, severity: "error", code: SM.tooComplex, message: `TypeScript ran out of stack checking this file (${err.message}): break long chains of declarations or expressions` });
    }
    const sf = this.program.sourceFile(fileName);
    if (!sf) throw new Error("the source file is missing from the program");
    const ex = extract(sf);
    out.diagnostics.push(...ex.diagnostics);
    dropTsDuplicates(out.diagnostics);
    out.tensors = ex.tensors;
    if (opts.align !== undefined) {
      // Before the mods are classified: their loads read each tensor's align.
      if (opts.align === "elem" || isPow2(opts.align)) {
        for (const t of out.tensors) { t.align = opts.align === "elem" ? t.elemBytes : opts.align; t.alignExplicit = true; }
      } else out.diagnostics.push({ range: ZERO, severity: "error", code: SM.badOption, message: `align ${String(opts.align)} is not a power of two number of bytes or "elem"` });
    }
    out.scalars = ex.scalars;
    out.divisible = ex.divisible;
    for (const m of ex.mods) out.mods.push(this.mod(m, ex, target, override, out.diagnostics));
    out.diagnostics.push(...nameCollisions(out.mods, out.scalars));
    if (ex.mods.length === 0) {
      out.diagnostics.push({
        range: ZERO, severity: "info", code: SM.noMods,
        message: "no scoreMod or maskMod found: declare one with `export const m = scoreMod((score, b, h, q, kv) => score)`",
      });
    }
    // The one decision whether each mod can be generated (generatable.ts).
    for (const mod of out.mods) {
      mod.blocking = blockingDiagnostics(out.diagnostics, out.mods, mod, mod.ok);
      mod.ok = mod.blocking.length === 0;
    }
    // Index safety at the problem shape. After the lines above on purpose: a verdict at one shape
    // does not stop the mod from being generated for others.
    // With no shape, verdicts that hold at every size.
    const text = this.program.textOf(fileName) ?? "";
    if (opts.shape) out.diagnostics.push(...boundsDiagnostics(out, text, opts.shape, target.id.startsWith("fa4"), opts.dims, opts.scalars));
    else out.diagnostics.push(...anySizeDiagnostics(out, text));
  }

  private mod(m: ExtractedMod, ex: Extraction, target: Target, override: number | undefined, diags: Diagnostic[]): ModFact {
    const vecSizeExplicit = override !== undefined || m.vecSize !== null;
    // Defaults as FA4's: a score mod gets 1 with aux loads, else 2; a mask mod 1 on FA4 targets
    // (its __vec_size__ default; V > 1 means packed words there), 2 on the runner's kernels.
    const vecSize = override ?? m.vecSize ?? (m.loads.length > 0 || (m.kind === "mask" && target.fa4) ? 1 : 2);
    const fact: ModFact = {
      name: m.name, kind: m.kind, range: m.range, nameRange: m.nameRange, vecSize, vecSizeExplicit,
      options: m.options, params: m.params, body: m.body, loads: [], inlines: m.inlines,
      registers: { estimate: 0, budget: target.regBudget }, blocking: [], ok: m.ok,
    };
    const input: ClassifyInput = {
      mod: m.name, kind: m.kind, body: m.body, loads: m.loads, tensors: ex.tensors, divisible: ex.divisible, scalars: ex.scalars,
      target, vecSize, vecSizeExplicit, options: m.options, modRange: m.range,
    };
    try {
      // An incomplete body (already reported) is not classified: its loads would be guesses.
      // The vecSize rules need no body, so they are reported either way.
      if (!m.ok) {
        diags.push(...vecSizeRules(input));
        return fact;
      }
      const r = classifyMod(input);
      fact.loads = r.loads;
      fact.registers = r.registers;
      if (target.fusedEntry && m.kind === "score") fact.floatPositions = floatPositionSites(m.body);
      diags.push(...r.diagnostics);
    } catch (err) {
      diags.push(internalError(`classifying ${m.name}`, err, m.nameRange));
      fact.ok = false;
    }
    return fact;
  }
}

/**
 * TypeScript's TS2447 ("The '&' operator is not allowed for type 'boolean'") says what our SM170
 * says at the same operator, without its fix, and the `number` it then infers for `a & b` makes
 * a mask's return or an argument a TS2322/TS2345 around it (TS2362/TS2363 when it is read as
 * arithmetic on its operands): keep ours alone there (fixing SM170
 * removes both, and any other error of that kind reappears).
 */
function dropTsDuplicates(diags: Diagnostic[]): void {
  // The whole `a & b` is the range of SM170's fix (its operator is the diagnostic's own range).
  const ours = diags.filter((d) => d.code === SM.flexBoolOp).map((d) => ({ range: d.fixes?.[0]?.edits[0]?.range ?? d.range }));
  // SM128 ("'idiv' is not imported", with the import fix) says what TS2304 says at the same name.
  const imports = diags.filter((d) => d.code === SM.notImported).map((d) => JSON.stringify(d.range));
  if (!ours.length && !imports.length) return;
  const within = (a: Range, b: Range) => posKeyOf(a.start) >= posKeyOf(b.start) && posKeyOf(a.end) <= posKeyOf(b.end);
  for (let i = diags.length - 1; i >= 0; i--) {
    const d = diags[i];
    if (TS_FROM_BOOL_OP.has(d.code) && ours.some((o) => within(o.range, d.range) || within(d.range, o.range))) diags.splice(i, 1);
    else if (d.code === "TS2304" && imports.includes(JSON.stringify(d.range))) diags.splice(i, 1);
  }
}
// TS2447 the operator, TS2362/TS2363 its left/right operand, TS2322/TS2345 the `number` it yields.
const TS_FROM_BOOL_OP = new Set(["TS2447", "TS2362", "TS2363", "TS2322", "TS2345"]);
const posKeyOf = (p: { line: number; character: number }) => p.line * 1e6 + p.character;

/** A range from offsets, for text TypeScript never parsed. */
function textRange(text: string, start: number, end: number): Range {
  const at = (off: number) => {
    const head = text.slice(0, Math.max(0, Math.min(off, text.length)));
    const lines = head.split(/\r\n|[\n\r\u2028\u2029]/);
    return { line: lines.length - 1, character: lines[lines.length - 1].length };
  };
  return { start: at(start), end: at(end) };
}


// One shared host for the one-shot API: repeated calls on a file reuse its checked program.
let shared: AnalysisHost | null = null;
const sharedFiles: string[] = [];
const SHARED_MAX_FILES = 8;

/** Analyse one file's text. Never throws, whatever the text. */
export function analyze(fileName: string, text: string, opts: AnalyzeOptions = {}): FileAnalysis {
  try {
    shared ??= new AnalysisHost();
    const i = sharedFiles.indexOf(fileName);
    if (i >= 0) sharedFiles.splice(i, 1);
    sharedFiles.push(fileName);
    while (sharedFiles.length > SHARED_MAX_FILES) shared.removeFile(sharedFiles.shift() as string);
    shared.setFile(fileName, text);
    return shared.analyze(fileName, opts);
  } catch (err) {
    shared = null;
    sharedFiles.length = 0;
    return {
      fileName, target: opts.target && isTargetId(opts.target) ? opts.target : DEFAULT_TARGET,
      diagnostics: [internalError("host", err)], tensors: [], scalars: [], mods: [], divisible: {},
    };
  }
}

export type { FileAnalysis } from "./facts";
