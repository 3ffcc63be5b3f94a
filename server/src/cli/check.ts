// `scoremod check FILE [--target T] [--vec V] [--json]`: the analysis, headless. Human output
// is one line per aux load plus the diagnostics; --json is the stable machine contract (1-based
// line/col). Exit 0 = no errors, 1 = the file has errors, 2 = bad command line or input.
import { analyzeInBudget as analyze } from "../budget/budgetedAnalysis"; // TypeScript under a time and memory budget
import type { Diagnostic, FileAnalysis, Fix, LoadFact, ModFact } from "../analysis/facts";
import type { Range } from "../analysis/ir";
import { TARGETS, type TargetId } from "../analysis/targets";
import { writesNegInf } from "../analysis/tiles";
import { stagingLine } from "../analysis/staging";
import { formatSparsity, modSparsity, parseAssignments, parseShape4 } from "./sparsity";

import { EXIT, UsageError, parseArgs, processIo, readSourceFile, reportUsageError, singleFile, targetFlag, vecFlag, type Io } from "./args";

const SPEC = { target: "string", vec: "int", json: "boolean", shape: "string", dim: "string", scalar: "string", help: "boolean" } as const;
const USAGE = `usage: scoremod check FILE [--target T] [--vec V] [--shape B,H,Q,KV [--dim N=V,...] [--scalar N=V,...]] [--json]
  --target T   ${Object.keys(TARGETS).join(" | ")} (default fa4-sm100)
  --vec V      override every mod's vecSize (a power of two)
  --shape ...  also classify every 128x128 tile of that problem: empty, full or partial (block sparsity)
  --dim N=V    sizes of the file's own dims for --shape (comma-separated)
  --scalar N=V scalar values for --shape (default: each scalar's declared default)
  --json       machine-readable output
exit: 0 no errors, 1 errors in the file, 2 bad usage or unreadable input
`;

export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let file: string;
  let target: TargetId | undefined;
  let vec: number | undefined;
  let json = false;
  try {
    const { positional, flags } = parseArgs(argv, SPEC);
    if (flags.help) { io.out(USAGE); return EXIT.ok; }
    json = flags.json === true;
    file = singleFile(positional);
    target = targetFlag(flags.target);
    vec = vecFlag(flags.vec);
    const shape = flags.shape !== undefined ? parseShape4(flags.shape) : undefined;
    if (!shape && (flags.dim !== undefined || flags.scalar !== undefined)) throw new UsageError("--dim and --scalar go with --shape");
    const dims = parseAssignments("dim", flags.dim, true), scalars = parseAssignments("scalar", flags.scalar, false);
    const text = readSourceFile(file);
    // With --shape the analysis also checks every aux index at it (SM160-SM162, load.bounds).
    const analysis = analyze(file, text, { target, vecSize: vec, ...(shape ? { shape, dims, scalars } : {}) });
    const sparsity = shape ? new Map(analysis.mods.map((m) => [m.name, modSparsity(analysis, m, shape, dims, scalars)])) : undefined;
    if (json) {
      const doc = toJson(analysis, file);
      if (sparsity) doc.mods.forEach((m) => Object.assign(m, { blockSparsity: sparsity.get(m.name) ?? null }));
      io.out(JSON.stringify(shape ? { ...doc, shape } : doc, null, 2) + "\n");
    } else {
      io.out(formatHuman(analysis, file));
      // Text: masks, and score mods that can mask (an -Infinity, or tiles proven empty); the JSON has every mod.
      const masks = (name: string, s: { empty: number }) => s.empty > 0 || analysis.mods.some((m) => m.name === name && (m.kind === "mask" || writesNegInf(m.body)));
      for (const [name, s] of sparsity ?? []) if (s && masks(name, s)) io.out(formatSparsity(name, s, shape!) + "\n");
      for (const m of analysis.mods) for (const l of m.loads) if (l.bounds) io.out(`${file}:${l.range.start.line + 1}: index safety: ${l.bounds.detail}\n`);
    }
    return analysis.diagnostics.some((d) => d.severity === "error") ? EXIT.errors : EXIT.ok;
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
    widthElems: l.widthElems, widthBytes: l.widthBytes, loadsPerVec: l.loadsPerVec,
    why: l.why, fix: l.fix ? fixJson(l.fix) : null, obligations: l.obligations, proof: l.proof,
    ...(l.bounds ? { bounds: l.bounds } : {}),
    // Targets that stage aux rows (runner-hopper): how, or why not.
    ...(l.staging !== undefined ? { staging: l.staging, ...(l.stagingWhy ? { stagingWhy: l.stagingWhy } : {}) } : {}),
  };
}

function modJson(m: ModFact) {
  return {
    name: m.name, kind: m.kind, ...pos(m.nameRange), vecSize: m.vecSize, vecSizeExplicit: m.vecSizeExplicit,
    ok: m.ok, params: m.params, registers: m.registers, loads: m.loads.map(loadJson),
  };
}

/** The `--json` document: the contract, plus extra fields (end positions, fixes, proof, tensors). */
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
  return `${text}  ${l.class}  v${l.widthElems} · ${l.widthBytes} B · ${plural(l.loadsPerVec, "load")} / ${plural(v, "score")}`;
}

export function formatHuman(a: FileAnalysis, file: string): string {
  const lines: string[] = [];
  for (const m of a.mods) {
    const state = m.ok ? "" : "  (not analysed: fix the errors below)";
    const regs = m.ok ? `, ~${m.registers.estimate}/${m.registers.budget} registers` : "";
    lines.push(`${at(file, m.nameRange)} ${m.name}: ${m.kind} mod, V=${m.vecSize}${m.vecSizeExplicit ? "" : " (default)"}${regs} on ${a.target}${state}`);
    for (const l of m.loads) {
      lines.push(`${at(file, l.range)} ${formatLoad(l, m.vecSize)}`);
      if (l.why) lines.push(`    why not wider: ${l.why}`);
      if (l.fix) lines.push(`    fix: ${l.fix.title}`);
      if (l.staging) lines.push(`    ${stagingLine(l.staging, a.target)}`);
      else if (l.stagingWhy) lines.push(`    not staged: ${l.stagingWhy}`);
      if (l.obligations.length) lines.push(`    runtime checks: ${l.obligations.map((o) => o.text).join("; ")}`);
    }
  }
  // Info notes that restate a load's "why not wider" (already printed under the load) are skipped.
  const whyAt = new Set(a.mods.flatMap((m) => m.loads.filter((l) => l.why).map((l) => `${at(file, l.range)}|${l.why}`)));
  const restates = (d: Diagnostic) => d.severity === "info" && [...whyAt].some((k) => {
    const [where, why] = [k.slice(0, k.indexOf("|")), k.slice(k.indexOf("|") + 1)];
    return where === at(file, d.range) && d.message.endsWith(why);
  });
  for (const d of a.diagnostics) {
    if (restates(d)) continue;
    lines.push(`${at(file, d.range)} ${d.severity} ${d.code} ${d.message.replace(/\n/g, "\n    ")}`);
    for (const f of d.fixes ?? []) lines.push(`    fix: ${f.title}`);
  }
  const errors = a.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = a.diagnostics.filter((d) => d.severity === "warning").length;
  const loads = a.mods.reduce((n, m) => n + m.loads.length, 0);
  lines.push(`${file}: ${plural(a.mods.length, "mod")}, ${plural(loads, "aux load")}, ${plural(errors, "error")}, ${plural(warnings, "warning")} (target ${a.target})`);
  return lines.join("\n") + "\n";
}
