// The webview's data model, pure: sweep results -> chart series and table; a mod evaluated on a
// q × kv window -> a heat map matrix. The page (media/sweep.js) only draws what this produces.
import type { SweepResult } from "../../../runtime/src/runner/types";

export type Align = "elem" | number;

export interface SweepPoint {
  vecSize: number;
  align: Align;
  /** null when the configuration failed or was illegal (see error). */
  tflops: number | null;
  timeMs?: number;
  registers?: number;
  spills?: number;
  error?: string;
}

export interface SweepData {
  mod: string;
  target: string;
  /** Free-form problem description, e.g. "B=1 H=16 S=8192 D=128 bf16". */
  problem?: string;
  points: SweepPoint[];
}

export interface Series { label: string; align: Align; values: (number | null)[] }
export interface SweepModel {
  title: string;
  xs: number[];
  series: Series[];
  table: { columns: string[]; rows: string[][] };
  best: { vecSize: number; align: Align; tflops: number } | null;
}

const alignKey = (a: Align): number => (a === "elem" ? 0 : a);
export const alignLabel = (a: Align): string => (a === "elem" ? "align = elem" : `align ${a} B`);

/** Series per alignment (ascending), x = V (ascending); missing or failed points are gaps. */
export function sweepModel(d: SweepData): SweepModel {
  const xs = [...new Set(d.points.map((p) => p.vecSize))].sort((a, b) => a - b);
  const aligns = [...new Set(d.points.map((p) => p.align))].sort((a, b) => alignKey(a) - alignKey(b));
  const at = new Map(d.points.map((p) => [`${p.vecSize}|${p.align}`, p]));
  const series = aligns.map((a) => ({
    label: alignLabel(a), align: a,
    values: xs.map((v) => { const p = at.get(`${v}|${a}`); return p && p.tflops !== null && Number.isFinite(p.tflops) ? p.tflops : null; }),
  }));
  let best: SweepModel["best"] = null;
  for (const p of d.points) if (p.tflops !== null && Number.isFinite(p.tflops) && (!best || p.tflops > best.tflops)) best = { vecSize: p.vecSize, align: p.align, tflops: p.tflops };
  const cell = (p: SweepPoint | undefined): string => {
    if (!p) return "—";
    if (p.tflops === null) return p.error ? `✗ ${p.error}` : "✗";
    const extra = p.registers !== undefined ? ` (${p.registers}r${p.spills ? `, ${p.spills} spill` : ""})` : "";
    return `${p.tflops.toFixed(0)}${extra}`;
  };
  return {
    title: `${d.mod} on ${d.target}${d.problem ? ` · ${d.problem}` : ""}`,
    xs, series,
    table: { columns: ["V", ...aligns.map(alignLabel)], rows: xs.map((v) => [String(v), ...aligns.map((a) => cell(at.get(`${v}|${a}`)))]) },
    best,
  };
}

/** The runner's SweepResult (runtime/src/runner/types.ts) as chart data. */
export function fromRunnerSweep(r: SweepResult, target: string): SweepData {
  const s = r.shape;
  return {
    mod: r.mod, target, problem: `B=${s.B} H=${s.H} Q=${s.Q} KV=${s.KV} D=${s.D} · ${r.device}`,
    points: r.cells.map((c) => ({
      vecSize: c.vec, align: c.align,
      tflops: c.result?.timing ? c.result.timing.tflops : null,
      timeMs: c.result?.timing?.ms,
      registers: c.result?.compile.registers,
      spills: c.result ? c.result.compile.spillStores + c.result.compile.spillLoads : undefined,
      error: c.error ? c.error.kind : c.result && !c.result.ok ? "check failed" : undefined,
    })),
  };
}

/**
 * Validates recorded sweep JSON (scoremod.openSweepResults): either SweepData or the runner's
 * SweepResult (`scoremod bench --sweep --json`). Throws an Error that says what is wrong.
 */
export function parseSweepData(text: string): SweepData {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { throw new Error(`not JSON: ${(e as Error).message}`); }
  if (raw && typeof raw === "object" && Array.isArray((raw as { cells?: unknown }).cells)) {
    const r = raw as SweepResult;
    if (typeof r.mod !== "string" || !r.shape || typeof r.device !== "string") throw new Error("a runner sweep result needs mod, shape and device");
    r.cells.forEach((c, i) => {
      if (!c || !Number.isInteger(c.vec) || !(c.align === "elem" || typeof c.align === "number")) throw new Error(`cells[${i}] needs vec and align`);
    });
    return fromRunnerSweep(r, "runner");
  }
  const o = raw as Partial<SweepData> | null;
  if (!o || typeof o !== "object") throw new Error("expected an object with mod, target and points");
  if (typeof o.mod !== "string" || typeof o.target !== "string") throw new Error("mod and target must be strings");
  if (!Array.isArray(o.points)) throw new Error("points must be an array");
  o.points.forEach((p, i) => {
    if (!p || typeof p !== "object") throw new Error(`points[${i}] is not an object`);
    if (!Number.isInteger(p.vecSize) || p.vecSize < 1) throw new Error(`points[${i}].vecSize must be a positive integer`);
    if (!(p.align === "elem" || (typeof p.align === "number" && p.align > 0))) throw new Error(`points[${i}].align must be "elem" or bytes`);
    if (!(p.tflops === null || typeof p.tflops === "number")) throw new Error(`points[${i}].tflops must be a number or null`);
  });
  return { mod: o.mod, target: o.target, problem: typeof o.problem === "string" ? o.problem : undefined, points: o.points };
}

// ---- heat map ----------------------------------------------------------------------------

export interface HeatMapInput {
  mod: string;
  kind: "score" | "mask";
  /** First q and kv of the window. */
  q0: number;
  kv0: number;
  /** values[i][j] is the mod at q0+i, kv0+j: a number (score) or a boolean (mask). */
  values: (number | boolean)[][];
}

export interface HeatMapModel {
  title: string;
  rows: number;
  cols: number;
  q0: number;
  kv0: number;
  /** Row-major cells in [0, 1], or -1 for masked (false / -inf) and -2 for NaN. */
  cells: number[];
  min: number;
  max: number;
  legend: string;
}

export function heatMapModel(h: HeatMapInput): HeatMapModel {
  const rows = h.values.length;
  const cols = rows ? Math.max(...h.values.map((r) => r.length)) : 0;
  const nums: number[] = [];
  for (const r of h.values) for (const v of r) if (typeof v === "number" && Number.isFinite(v)) nums.push(v);
  const min = nums.length ? Math.min(...nums) : 0;
  const max = nums.length ? Math.max(...nums) : 0;
  const span = max - min;
  const cells: number[] = [];
  let kept = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = h.values[i][j];
      if (typeof v === "boolean") { cells.push(v ? 1 : -1); if (v) kept++; continue; }
      if (v === undefined || Number.isNaN(v)) cells.push(-2);
      else if (v === -Infinity) cells.push(-1);
      else if (v === Infinity) cells.push(1);
      else { cells.push(span > 0 ? (v - min) / span : 0.5); kept++; }
    }
  }
  const total = rows * cols;
  const legend = h.kind === "mask"
    ? `kept ${kept} of ${total} (${total ? ((100 * kept) / total).toFixed(1) : "0"}%)`
    : `score' from ${min.toPrecision(4)} to ${max.toPrecision(4)}`;
  return { title: `${h.mod}: q ${h.q0}..${h.q0 + rows - 1} × kv ${h.kv0}..${h.kv0 + cols - 1}`, rows, cols, q0: h.q0, kv0: h.kv0, cells, min, max, legend };
}
