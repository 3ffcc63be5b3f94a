// The webview's data model, pure: sweep results -> chart series and table; the mask and score
// view (the runner's heat map) -> tiles, cells and hover texts. The page (media/sweep.js) only draws
// what this produces.
import type { SweepResult } from "scoremod-server/runner/types";
import type { HeatMapOk } from "scoremod-server/protocol";

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
  /** The reps ran at two speeds (the GPU changed speed mid-run): its TFLOPS mixes both. */
  twoSpeeds?: boolean;
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
  /** What the table's marks mean, when it has any. */
  note?: string;
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
    return `${p.tflops.toFixed(0)}${p.twoSpeeds ? " ~" : ""}${extra}`;
  };
  return {
    title: `${d.mod} on ${d.target}${d.problem ? ` · ${d.problem}` : ""}`,
    xs, series,
    table: { columns: ["V", ...aligns.map(alignLabel)], rows: xs.map((v) => [String(v), ...aligns.map((a) => cell(at.get(`${v}|${a}`)))]) },
    best,
    ...(d.points.some((p) => p.twoSpeeds) ? { note: "~: the GPU changed speed during that cell's run, so its TFLOPS mixes two speeds" } : {}),
  };
}

/** The runner's SweepResult (server/src/runner/types.ts) as chart data. */
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
      ...(c.result?.timing?.step ? { twoSpeeds: true } : {}),
    })),
  };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
/** What fromRunnerSweep reads of a cell's result: ok, compile's registers and spills, timing's ms and TFLOPS. */
function checkCellResult(r: unknown, where: string): void {
  if (!isObject(r) || typeof r.ok !== "boolean") throw new Error(`${where} needs ok (true or false)`);
  const c = r.compile;
  if (!isObject(c) || !["registers", "spillStores", "spillLoads"].every((k) => typeof c[k] === "number")) {
    throw new Error(`${where}.compile needs registers, spillStores and spillLoads`);
  }
  const t = r.timing;
  if (t !== undefined && t !== null && !(isObject(t) && typeof t.ms === "number" && typeof t.tflops === "number")) {
    throw new Error(`${where}.timing needs ms and tflops (or null)`);
  }
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
    if (typeof r.mod !== "string" || !isObject(r.shape) || typeof r.device !== "string") throw new Error("a runner sweep result needs mod, shape and device (shape an object)");
    for (const k of ["B", "H", "Q", "KV", "D"] as const) {
      if (!Number.isSafeInteger(r.shape[k]) || r.shape[k] < 1) throw new Error(`shape.${k} must be a positive integer`);
    }
    r.cells.forEach((c, i) => {
      if (!isObject(c) || !Number.isInteger(c.vec) || !(c.align === "elem" || typeof c.align === "number")) throw new Error(`cells[${i}] needs vec and align`);
      if (c.result !== undefined) checkCellResult(c.result, `cells[${i}].result`);
      if (c.error !== undefined && !(isObject(c.error) && typeof c.error.kind === "string")) throw new Error(`cells[${i}].error needs a kind`);
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

// ---- mask and score view ----------------------------------------------------------------

/** What the page draws for one heat map (the protocol's HeatMapOk). */
export interface MaskViewModel {
  title: string;
  b: number;
  h: number;
  shape: { B: number; H: number; Q: number; KV: number };
  tiles: {
    nQ: number; nKv: number; tileQ: number; tileKv: number;
    /** 0 empty, 1 partial, 2 full, row-major [q tile][kv tile]. */
    classes: number[];
    /** "28 of 64 tiles empty (43.8%) · 28 full · 8 partial · proven from the indices". */
    summary: string;
    note?: string;
  };
  window: null | {
    q0: number; kv0: number; rows: number; cols: number;
    /** Per cell: [0, 1] on the colour scale, -1 masked (mask false or score -inf), -2 NaN. */
    cells: number[];
    min: number; max: number;
    /** The hover text of each cell: (b, h, q, kv), raw score, score_mod output, mask. */
    hover: string[];
    legend: string;
  };
  windowError?: string;
}

const fmt = (v: number | string): string => (typeof v === "string" ? v : Number.isInteger(v) ? String(v) : v.toPrecision(6));

export function maskViewModel(r: HeatMapOk): MaskViewModel {
  const t = r.tiles;
  const pct = (n: number) => `${((100 * n) / Math.max(1, t.tiles)).toFixed(1)}%`;
  const how = t.proof === "static" ? "proven from the indices" : "evaluated on the sample data";
  const summary = t.sparsity === null
    ? `at least ${t.empty} of ${t.tiles} tiles empty (≥ ${pct(t.empty)}) · ${t.full} full · ${t.partial} partial or undecided`
    : `${t.empty} of ${t.tiles} tiles empty (${pct(t.empty)}) · ${t.full} full · ${t.partial} partial · ${how}`;
  const title = `${r.mod}${r.pair ? ` + ${r.pair}` : ""}: B${r.shape.B} H${r.shape.H} Q${r.shape.Q} KV${r.shape.KV}, b=${r.b} h=${r.h}`;
  let window: MaskViewModel["window"] = null;
  if (r.window) {
    const w = r.window;
    const num = (v: number | string): number => (v === "-inf" ? -Infinity : v === "inf" ? Infinity : v === "nan" ? NaN : (v as number));
    const kept = (i: number) => (w.keep ? w.keep[i] === true : true);
    const vals: number[] = [];
    w.out.forEach((v, i) => { const x = num(v); if (kept(i) && Number.isFinite(x)) vals.push(x); });
    const min = vals.length ? Math.min(...vals) : 0, max = vals.length ? Math.max(...vals) : 0;
    const span = max - min;
    const cells = w.out.map((v, i) => {
      const x = num(v);
      if (Number.isNaN(x)) return -2;
      if (!kept(i) || x === -Infinity) return -1;
      if (x === Infinity) return 1;
      return span > 0 ? (x - min) / span : 0.5;
    });
    const hover = w.out.map((v, i) => {
      const q = w.q0 + Math.floor(i / w.cols), kv = w.kv0 + (i % w.cols);
      const parts = [`(b=${r.b}, h=${r.h}, q=${q}, kv=${kv})`, `raw score ${fmt(w.raw[i]!)}`];
      if (r.kind === "score" || r.pair) parts.push(`score_mod ${fmt(v)}`);
      if (w.keep) parts.push(`mask ${w.keep[i] ? "keep" : "drop"}`);
      return parts.join(" · ");
    });
    const kept_n = w.out.filter((_, i) => kept(i)).length;
    const legend = `q ${w.q0}..${w.q0 + w.rows - 1} × kv ${w.kv0}..${w.kv0 + w.cols - 1}: ${r.kind === "score" || r.pair ? `score' from ${min.toPrecision(4)} to ${max.toPrecision(4)}` : "mask"}, kept ${kept_n} of ${w.out.length}`;
    window = { q0: w.q0, kv0: w.kv0, rows: w.rows, cols: w.cols, cells, min, max, hover, legend };
  }
  return {
    title, b: r.b, h: r.h, shape: r.shape,
    tiles: { nQ: t.nQ, nKv: t.nKv, tileQ: t.tileQ, tileKv: t.tileKv, classes: t.classes, summary, ...(t.note ? { note: t.note } : {}) },
    window, ...(r.windowError ? { windowError: r.windowError } : {}),
  };
}

/** Which view the panel shows: the mod, the (b, h) and the element window's corner. */
export interface ViewState { uri: string; mod: string; b: number; h: number; q0: number; kv0: number }

/**
 * The state after a message from the page ({type: "zoom", q0, kv0} or {type: "select", b, h}),
 * or null when the message is not one (anything the page sends is checked, never trusted).
 */
export function applyViewMessage(st: ViewState | null, m: unknown): ViewState | null {
  if (!st || typeof m !== "object" || m === null) return null;
  const o = m as Record<string, unknown>;
  const nat = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  if (o.type === "zoom" && nat(o.q0) && nat(o.kv0)) return { ...st, q0: o.q0, kv0: o.kv0 };
  if (o.type === "select" && nat(o.b) && nat(o.h)) return { ...st, b: o.b, h: o.h };
  return null;
}
