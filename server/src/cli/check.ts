// `scoremod check FILE|GLOB... [--target T] [--vec V] [--format text|json|sarif|github]`: the
// analysis, headless. Human output is one line per aux load plus the diagnostics, each with a
// code frame (colour on a terminal); --json (= --format json) is the stable machine contract
// (1-based line/col; one file: the file's document, several files or a glob: { files: [...] });
// --format sarif is SARIF 2.1.0 and --format github GitHub Actions annotations (formats.ts).
// Globs are expanded here (files.ts). Exit: the worst file's: 0 = no errors, 1 = errors,
// 2 = bad command line or unreadable input.
import { resolve } from "node:path";
import { analyzeInBudget as analyze } from "../budget/budgetedAnalysis"; // TypeScript under a time and memory budget
import type { Diagnostic, FileAnalysis, Fix, LoadFact, ModFact } from "../analysis/facts";
import type { Range } from "../analysis/ir";
import { TARGETS, type TargetId } from "../analysis/targets";
import { writesNegInf } from "../analysis/tiles";
import { floatPositionLine } from "../analysis/positions";
import { stagingLine } from "../analysis/staging";
import { groupedText } from "../analysis/laneText";
import { formatSparsity, modSparsity, parseShape4 } from "./sparsity";
import { codeFrame, paint, PLAIN, severityColor, useColor, type ColorMode, type Paint } from "./color";
import { expandFiles } from "./files";
import { FORMATS, toGithub, toSarif, type CheckedFile, type Format, type UnreadableFile } from "./formats";

import { EXIT, InputError, UsageError, parseArgs, parseAssignments, processIo, readSourceFile, reportUsageError, targetFlag, vecFlag, type Io } from "./args";

const SPEC = { target: "string", vec: "int", json: "boolean", format: "string", color: "string", "docs-url": "string", shape: "string", dim: "list", scalar: "list", help: "boolean" } as const;
const USAGE = `usage: scoremod check FILE|GLOB... [--target T] [--vec V] [--shape B,H,Q,KV [--dim N=V,...] [--scalar N=V,...]] [--format F]
  FILE|GLOB    one or more files or quoted globs ('src/**/*.scoremod.ts'; node_modules is skipped)
  --target T   ${Object.keys(TARGETS).join(" | ")} (default fa4-sm100)
  --vec V      override every mod's vecSize (a power of two)
  --shape ...  also classify every 128x128 tile of that problem: empty, full or partial (block sparsity)
  --dim N=V    sizes of the file's own dims for --shape (repeat the flag or separate with commas)
  --scalar N=V scalar values for --shape (default: each scalar's declared default; repeatable)
  --format F   text (default) | json (docs/schemas/check.schema.json) | sarif (SARIF 2.1.0) | github (Actions annotations)
  --json       the same as --format json
  --color C    auto (default: on a terminal, off with NO_COLOR, on with FORCE_COLOR) | always | never
  --docs-url U base URL of the diagnostic pages in SARIF rules (default: the installed docs/diagnostics)
exit: the worst file's: 0 no errors, 1 errors in a file, 2 bad usage or unreadable input
`;

function parseFormat(format: string | undefined, json: boolean): Format {
  if (format === undefined) return json ? "json" : "text";
  const f = FORMATS.find((x) => x === format);
  if (!f) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got '${format}'`);
  if (json && f !== "json") throw new UsageError(`--json is --format json; it does not combine with --format ${f}`);
  return f;
}

function parseColor(c: string | undefined): ColorMode {
  if (c === undefined || c === "auto" || c === "always" || c === "never") return c ?? "auto";
  throw new UsageError(`--color must be auto, always or never, got '${c}'`);
}

/** Reads FILE relative to cwd; messages name the file as the user gave it. */
function readAt(path: string, cwd: string): string {
  const abs = resolve(cwd, path);
  try {
    return readSourceFile(abs === resolve(path) ? path : abs);
  } catch (e) {
    if (e instanceof InputError && abs !== resolve(path) && e.message.startsWith(abs)) throw new InputError(path + e.message.slice(abs.length));
    throw e;
  }
}

const worst = (a: number, b: number) => Math.max(a, b);

export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let json = argv.includes("--json") || argv.includes("--format=json") || argv.some((a, i) => a === "--format" && argv[i + 1] === "json");
  try {
    const { positional, flags } = parseArgs(argv, SPEC);
    if (flags.help) { io.out(USAGE); return EXIT.ok; }
    const format = parseFormat(flags.format, flags.json === true);
    json = format === "json";
    const color = useColor(io.outIsTTY, io.env, parseColor(flags.color));
    const target = targetFlag(flags.target);
    const vec = vecFlag(flags.vec);
    const shape = flags.shape !== undefined ? parseShape4(flags.shape) : undefined;
    if (!shape && (flags.dim !== undefined || flags.scalar !== undefined)) throw new UsageError("--dim and --scalar go with --shape");
    const dims = parseAssignments("dim", flags.dim, true), scalars = parseAssignments("scalar", flags.scalar, false);
    const cwd = io.cwd ?? process.cwd();
    const inputs = expandFiles(positional, cwd);
    // One literal FILE keeps the one-file contract (its document, unreadable input = exit 2 with usage-style error).
    const single = positional.length === 1 && inputs.length === 1 && inputs[0]!.fromGlob === undefined;

    const checked: (CheckedFile & { text: string; sparsity?: Map<string, ReturnType<typeof modSparsity>> })[] = [];
    const unreadable: UnreadableFile[] = [];
    for (const { path } of inputs) {
      let text: string;
      try {
        text = readAt(path, cwd);
      } catch (e) {
        if (single || !(e instanceof InputError)) throw e;
        unreadable.push({ path, error: e.message });
        continue;
      }
      // With --shape the analysis also checks every aux index at it (SM160-SM162, load.bounds).
      const analysis = analyze(path, text, { target, vecSize: vec, ...(shape ? { shape, dims, scalars } : {}) });
      const sparsity = shape ? new Map(analysis.mods.map((m) => [m.name, modSparsity(analysis, m, shape, dims, scalars)])) : undefined;
      checked.push({ path, analysis, text, sparsity });
    }

    if (format === "json") {
      const docs = checked.map(({ path, analysis, sparsity }) => {
        const doc = toJson(analysis, path);
        if (sparsity) doc.mods.forEach((m) => Object.assign(m, { blockSparsity: sparsity.get(m.name) ?? null }));
        return shape ? { ...doc, shape } : doc;
      });
      if (single) io.out(JSON.stringify(docs[0], null, 2) + "\n");
      else {
        const files = inputs.map((f) => docs.find((d) => d.file === f.path) ?? { file: f.path, error: unreadable.find((u) => u.path === f.path)!.error });
        io.out(JSON.stringify({
          files,
          errors: docs.reduce((n, d) => n + d.errors, 0),
          warnings: docs.reduce((n, d) => n + d.warnings, 0),
          unreadable: unreadable.length,
        }, null, 2) + "\n");
      }
    } else if (format === "sarif") {
      io.out(JSON.stringify(toSarif(checked, unreadable, cwd, flags["docs-url"]), null, 2) + "\n");
    } else if (format === "github") {
      io.out(toGithub(checked, unreadable, cwd));
    } else {
      const p = paint(color);
      for (const { path, analysis, text, sparsity } of checked) {
        io.out(formatHuman(analysis, path, { paint: p, source: text }));
        // Text: masks, and score mods that can mask (an -Infinity, or tiles proven empty); the JSON has every mod.
        const masks = (name: string, s: { empty: number }) => s.empty > 0 || analysis.mods.some((m) => m.name === name && (m.kind === "mask" || writesNegInf(m.body)));
        for (const [name, s] of sparsity ?? []) if (s && masks(name, s)) io.out(formatSparsity(name, s, shape!) + "\n");
        for (const m of analysis.mods) for (const l of m.loads) if (l.bounds) io.out(`${path}:${l.range.start.line + 1}: index safety: ${l.bounds.detail}\n`);
      }
      for (const u of unreadable) io.err(`scoremod check: ${u.error}\n`);
      if (!single) {
        const count = (sev: string) => checked.reduce((n, c) => n + c.analysis.diagnostics.filter((d) => d.severity === sev).length, 0);
        const e = count("error"), w = count("warning");
        const summary = `${plural(inputs.length, "file")}: ${plural(e, "error")}, ${plural(w, "warning")}${unreadable.length ? `, ${unreadable.length} unreadable` : ""}`;
        io.out((e || unreadable.length ? p.bold(p.red(summary)) : w ? p.bold(p.yellow(summary)) : p.bold(summary)) + "\n");
      }
    }
    let code: number = unreadable.length ? EXIT.usage : EXIT.ok;
    for (const c of checked) code = worst(code, c.analysis.diagnostics.some((d) => d.severity === "error") ? EXIT.errors : EXIT.ok);
    return code;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return reportUsageError("check", err, io, USAGE, json);
  }
}

// ---------------------------------------------------------------- JSON contract

function pos(r: Range) {
  return { line: r.start.line + 1, col: r.start.character + 1, endLine: r.end.line + 1, endCol: r.end.character + 1 };
}

function fixJson(f: Fix) {
  return { title: f.title, edits: f.edits.map((e) => ({ ...pos(e.range), newText: e.newText })) };
}

function diagJson(d: Diagnostic) {
  return { ...pos(d.range), severity: d.severity, code: d.code, message: d.message, ...(d.fixes?.length ? { fixes: d.fixes.map(fixJson) } : {}) };
}

function loadJson(l: LoadFact) {
  return {
    ...pos(l.range), tensor: l.tensor, tensorVar: l.tensorVar, text: l.text, class: l.class,
    ...(l.group !== undefined ? { group: l.group } : {}),
    widthElems: l.widthElems, widthBytes: l.widthBytes, loadsPerVec: l.loadsPerVec,
    why: l.why, fix: l.fix ? fixJson(l.fix) : null, obligations: l.obligations, proof: l.proof,
    ...(l.bounds ? { bounds: l.bounds } : {}),
    // Targets that stage aux rows (runner-hopper): how, or why not.
    ...(l.staging !== undefined ? { staging: l.staging, ...(l.stagingWhy ? { stagingWhy: l.stagingWhy } : {}) } : {}),
    // runner-hopper score mods: a uniform load the kernel loads once per work item and row.
    ...(l.perWorkItem ? { perWorkItem: true } : {}),
  };
}

function modJson(m: ModFact) {
  return {
    name: m.name, kind: m.kind, ...pos(m.nameRange), vecSize: m.vecSize, vecSizeExplicit: m.vecSizeExplicit,
    ok: m.ok, params: m.params, registers: m.registers, loads: m.loads.map(loadJson),
    // Targets whose kernel hands the mod float positions (runner-hopper): which conversions, up to which Q + KV.
    ...(m.floatPositions?.length ? { floatPositions: m.floatPositions.map((f) => ({ text: f.text, ...pos(f.range), limit: f.limit })) } : {}),
  };
}

/** The `--json` document: the issue's contract, plus extra fields (end positions, fixes, proof, tensors). */
export function toJson(a: FileAnalysis, file: string) {
  return {
    file, target: a.target,
    diagnostics: a.diagnostics.map(diagJson),
    mods: a.mods.map(modJson),
    tensors: a.tensors.map((t) => ({
      name: t.name, varName: t.varName, dtype: t.dtype, shape: t.shape, align: t.align,
      unitStrideDim: t.unitStrideDim, divisible: t.divisible, ...pos(t.range),
    })),
    scalars: a.scalars.map((s) => ({ name: s.name, varName: s.varName, dtype: s.dtype, defaultValue: s.defaultValue, ...pos(s.range) })),
    errors: a.diagnostics.filter((d) => d.severity === "error").length,
    warnings: a.diagnostics.filter((d) => d.severity === "warning").length,
  };
}

// ---------------------------------------------------------------- human output

function at(file: string, r: Range): string { return `${file}:${r.start.line + 1}:${r.start.character + 1}`; }
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

export function formatLoad(l: LoadFact, v: number): string {
  const text = l.text.replace(/,\s+/g, ",");
  const runs = groupedText(l, v);
  const rate = l.perWorkItem ? "1 load / work item and row" : `${plural(l.loadsPerVec, "load")} / ${plural(v, "score")}`;
  return `${text}  ${l.class}  v${l.widthElems} · ${l.widthBytes} B · ${rate}${runs ? ` (${runs})` : ""}`;
}

export interface HumanOptions {
  /** Colours (PLAIN: none). */
  paint?: Paint;
  /** The file's text: each diagnostic gets a code frame (its line and a caret under its range). */
  source?: string;
}

export function formatHuman(a: FileAnalysis, file: string, opts: HumanOptions = {}): string {
  const p = opts.paint ?? PLAIN;
  const src = opts.source?.split(/\r?\n/);
  const lines: string[] = [];
  for (const m of a.mods) {
    // ModFact.ok is the one decision (analysis/generatable.ts); a blocked mod may still have been
    // classified (its errors are outside its body), then its loads and registers are shown.
    const state = m.ok ? "" : "  (no code is generated: fix the errors below)";
    const regs = m.ok || m.loads.length ? `, ~${m.registers.estimate}/${m.registers.budget} registers` : "";
    lines.push(`${at(file, m.nameRange)} ${m.name}: ${m.kind} mod, V=${m.vecSize}${m.vecSizeExplicit ? "" : " (default)"}${regs} on ${a.target}${state}`);
    for (const l of m.loads) {
      lines.push(`${at(file, l.range)} ${formatLoad(l, m.vecSize)}`);
      if (l.why) lines.push(`    why not wider: ${l.why}`);
      if (l.fix) lines.push(`    fix: ${l.fix.title}`);
      if (l.staging) lines.push(`    staged in shared memory: ${stagingLine(l.staging, a)}`);
      else if (l.stagingWhy) lines.push(`    not staged: ${l.stagingWhy}`);
      if (l.obligations.length) lines.push(`    runtime checks: ${l.obligations.map((o) => o.text).join("; ")}`);
    }
    for (const f of m.floatPositions ?? []) lines.push(`${at(file, f.range)} float positions: ${floatPositionLine(f)}`);
  }
  // Info notes that restate a load's "why not wider" (already printed under the load) are skipped.
  const whyAt = new Set(a.mods.flatMap((m) => m.loads.filter((l) => l.why).map((l) => `${at(file, l.range)}|${l.why}`)));
  const restates = (d: Diagnostic) => d.severity === "info" && [...whyAt].some((k) => {
    const [where, why] = [k.slice(0, k.indexOf("|")), k.slice(k.indexOf("|") + 1)];
    return where === at(file, d.range) && d.message.endsWith(why);
  });
  for (const d of a.diagnostics) {
    if (restates(d)) continue;
    const sev = severityColor(p, d.severity);
    lines.push(`${p.bold(at(file, d.range))} ${sev(d.severity)} ${p.dim(d.code)} ${d.message.replace(/\n/g, "\n    ")}`);
    if (src) lines.push(...codeFrame(src, d.range, p, sev));
    for (const f of d.fixes ?? []) lines.push(`    ${p.cyan("fix:")} ${f.title}`);
  }
  const errors = a.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = a.diagnostics.filter((d) => d.severity === "warning").length;
  const loads = a.mods.reduce((n, m) => n + m.loads.length, 0);
  lines.push(`${file}: ${plural(a.mods.length, "mod")}, ${plural(loads, "aux load")}, ${plural(errors, "error")}, ${plural(warnings, "warning")} (target ${a.target})`);
  return lines.join("\n") + "\n";
}
