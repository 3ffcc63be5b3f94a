// The mask and score view (the editor's Heat Map and `scoremod view`): one mod with the file's
// mod of the other kind, as FlexAttention applies them (score_mod, then the mask).
//   tiles:  the analysis's proven classes (server/src/analysis/tiles.ts) for the shown (b, h);
//           for a mask that reads aux data, the tiles it leaves partial are evaluated exactly on
//           the sample data (runtime/src/maskView.ts), within a budget of mask calls.
//   window: per element raw score (seeded N(0, 1)), score_mod output and mask, in float64.
// Executes the user's module: callers run it only for trusted files (the runner's worker process,
// whose supervisor stops it after a time limit, and the CLI's `scoremod view`).
import { analyze } from "../analysis/index";
import type { FileAnalysis, ModFact } from "../analysis/facts";
import { blockedMessage } from "../analysis/generatable";
import { findExpr, type Stmt } from "../analysis/ir";
import { classifyTiles, combineClasses, tileClass, TILE_EMPTY, TILE_FULL, TILE_PARTIAL, type TileClass, type TileGrid } from "../analysis/tiles";
import { loadUserModule } from "./loadModule";
import { cellValues, classifyOnData, keepOf } from "scoremod/maskView";
import { allocationElements, resolveShape, resolveStrides } from "scoremod/layout";
import { resolveDims, sampleBindings } from "scoremod/sample";
import type { MaskFn, ScoreFn } from "scoremod";
import type { HeatMapOk, HeatMapParams, HeatMapResult, HeatMapTiles, HeatMapWindow } from "../protocol";

export const VIEW_TILE = { q: 128, kv: 128 } as const;
export const DEFAULT_VIEW_SHAPE = { B: 1, H: 1, Q: 1024, KV: 1024 } as const;
/** Mask calls the exact classification of data-dependent tiles may spend. */
const DATA_BUDGET = 1 << 23;
/** Sample aux elements the view materialises at most. */
const SAMPLE_LIMIT = 1 << 24;
/** Tiles per (b, h) the view draws at most (S = 131072 at 128 x 128). */
const MAX_TILES = 1 << 20;

export type ViewParams = Omit<HeatMapParams, "uri">;

function fail(error: string): HeatMapResult { return { ok: false, error }; }

function gridFor(g: TileGrid, b: number, h: number): Uint8Array {
  const out = new Uint8Array(g.nQ * g.nKv);
  for (let qt = 0; qt < g.nQ; qt++) for (let kt = 0; kt < g.nKv; kt++) out[qt * g.nKv + kt] = tileClass(g, b, h, qt, kt);
  return out;
}

/** Whether a body can produce -inf from finite inputs: an -Infinity literal, a log, or a division. */
function mayMakeNegInf(stmts: Stmt[]): boolean {
  return findExpr(stmts, (e) => (e.k === "num" && e.value === -Infinity) || (e.k === "call" && (e.fn === "log" || e.fn === "log2")) || (e.k === "binary" && e.op === "/")) !== undefined;
}

const enc = (v: number): number | "-inf" | "inf" | "nan" => (Number.isNaN(v) ? "nan" : v === -Infinity ? "-inf" : v === Infinity ? "inf" : v);

/** The analysis the view needs (any target; V = 1 so no V rule refuses a mod). */
export function viewAnalysis(fileName: string, text: string): FileAnalysis {
  return analyze(fileName, text, { target: "runner-hopper", vecSize: 1 });
}

/** `fa`: the file's analysis from viewAnalysis (the CLI passes one computed under the analysis budget). */
export function maskView(fileName: string, text: string, p: ViewParams, fa: FileAnalysis = viewAnalysis(fileName, text)): HeatMapResult {
  const shape = p.shape ?? DEFAULT_VIEW_SHAPE;
  for (const [k, v] of Object.entries(shape)) {
    if (!Number.isSafeInteger(v) || v < 1 || v > 0x7fffffff) return fail(`shape ${k} = ${v}: sizes must be positive integers below 2^31`);
  }
  const b = p.b ?? 0, h = p.h ?? 0;
  if (!Number.isInteger(b) || b < 0 || b >= shape.B) return fail(`b = ${b} is not in [0, ${shape.B})`);
  if (!Number.isInteger(h) || h < 0 || h >= shape.H) return fail(`h = ${h} is not in [0, ${shape.H})`);
  const nQ = Math.ceil(shape.Q / VIEW_TILE.q), nKv = Math.ceil(shape.KV / VIEW_TILE.kv);
  if (nQ * nKv > MAX_TILES) return fail(`Q = ${shape.Q}, KV = ${shape.KV} make ${nQ * nKv} tiles per (b, h); the view draws up to ${MAX_TILES}`);

  const mod = fa.mods.find((m) => m.name === p.mod);
  if (!mod) return fail(`"${p.mod}" is not a mod of ${fileName} (mods: ${fa.mods.map((m) => m.name).join(", ") || "none"})`);
  const blocked = blockedMessage(mod, fileName);
  if (blocked) return fail(blocked);
  const other = fa.mods.find((m) => m.kind !== mod.kind && m.ok);
  const score: ModFact | undefined = mod.kind === "score" ? mod : other;
  const mask: ModFact | undefined = mod.kind === "mask" ? mod : other;

  // The module, evaluated once: scalars' defaults, dims, sample data.
  let loaded;
  try {
    loaded = loadUserModule(fileName, text);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const fnOf = (name: string | undefined): ((...a: never[]) => unknown) | undefined => {
    const x = name ? loaded.dslExports.find((e) => e.exportName === name) : undefined;
    return x && (x.kind === "score" || x.kind === "mask") ? x.value.fn as never : undefined;
  };
  const scoreFn = fnOf(score?.name) as ScoreFn | undefined, maskFn = fnOf(mask?.name) as MaskFn | undefined;
  if ((score && !scoreFn) || (mask && !maskFn)) return fail(`${score && !scoreFn ? score.name : mask!.name} is not exported from ${fileName}`);

  let dims: Record<string, number>;
  try {
    // The only place a size is picked for the file's own dims (16, rounded to their divisibility):
    // this view draws a small sample for the eye, nothing is timed or checked at a size the user
    // runs. Benchmark and Sweep refuse a dim the user did not set (runner/ownDims.ts).
    dims = resolveDims(loaded.tensors, shape, 16);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const scalars = Object.fromEntries(loaded.scalars.map((s) => [s.name, s.defaultValue]));
  // Elements sampleBindings would allocate (runtime/src/layout.ts, as the runner's data).
  const sampleElems = loaded.tensors.reduce((n, t) => {
    const what = `tensor "${t.name}"`;
    return n + allocationElements(resolveShape(t.shape, dims, what), resolveStrides(t.shape, t.options, dims, what));
  }, 0);
  const sampleWhy = sampleElems > SAMPLE_LIMIT
    ? `sample data at B${shape.B} H${shape.H} Q${shape.Q} KV${shape.KV} would hold ${sampleElems.toLocaleString("en-US")} aux elements; the view evaluates up to ${SAMPLE_LIMIT.toLocaleString("en-US")} (choose a smaller problem)`
    : null;
  let bindings: ReturnType<typeof sampleBindings> | null = null;
  try {
    if (!sampleWhy) bindings = sampleBindings(loaded.tensors, dims, 0, scalars);
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }

  // ---- tiles ----
  // Static classes first; a mod that reads aux data then has its undecided tiles evaluated on
  // the sample data (a score mod: is its output on the raw scores -inf?).
  const env = { dims, scalars };
  const notes: string[] = [];
  let proof: HeatMapTiles["proof"] = "static", undecided = false;
  const classesOf = (m: ModFact | undefined, fn: ScoreFn | MaskFn | undefined): Uint8Array | undefined => {
    if (!m) return undefined;
    const stat = gridFor(classifyTiles(m.kind === "mask" ? { mask: m } : { score: m }, shape, VIEW_TILE, env), b, h);
    if (m.loads.length === 0) return stat;
    // A score mod with no -Infinity, log or division in its body makes -inf only from an infinite
    // input, which sample data never holds: on sample data it masks nothing (no need to run it).
    if (m.kind === "score" && bindings && !mayMakeNegInf(m.body)) {
      proof = "sample-data";
      notes.push(`${m.name} reads aux data but has no -Infinity, log or division: on the (finite) sample data it masks nothing`);
      return stat.map((c) => (c === TILE_PARTIAL ? TILE_FULL : c));
    }
    const todo = stat.map((c) => (c === TILE_PARTIAL ? 1 : 0));
    const mods = m.kind === "mask" ? { mask: fn as MaskFn } : { score: fn as ScoreFn };
    const exact = bindings ? classifyOnData(keepOf(mods, bindings, b, h), bindings, shape, VIEW_TILE, stat, todo, DATA_BUDGET) : null;
    if (exact) {
      proof = "sample-data";
      notes.push(`${m.name} reads aux data: its tiles are classified by evaluating it on the sample data${m.kind === "score" ? " and raw scores" : ""}`);
      return exact;
    }
    undecided = true;
    notes.push(`${m.name} reads aux data: ${bindings ? `deciding its tiles here would take more than ${DATA_BUDGET.toLocaleString("en-US")} evaluations` : sampleWhy}; tiles shown partial may be empty or full (scoremod bench classifies a mask's tiles on the GPU)`);
    return stat;
  };
  const mClasses = classesOf(mask, maskFn), sStatic = classesOf(score, scoreFn);
  const note = notes.length ? notes.join("; ") : undefined;
  const classes: number[] = new Array(nQ * nKv);
  const counts = [0, 0, 0];
  for (let t = 0; t < nQ * nKv; t++) {
    const m = mClasses ? mClasses[t]! : TILE_FULL, s = sStatic ? sStatic[t]! : TILE_FULL;
    const c = combineClasses(m as TileClass, s as TileClass);
    classes[t] = c;
    counts[c]! += 1;
  }
  const tiles: HeatMapTiles = {
    tileQ: VIEW_TILE.q, tileKv: VIEW_TILE.kv, nQ, nKv, classes, tiles: nQ * nKv,
    empty: counts[TILE_EMPTY]!, full: counts[TILE_FULL]!, partial: counts[TILE_PARTIAL]!,
    sparsity: undecided ? null : counts[TILE_EMPTY]! / (nQ * nKv), proof, ...(note ? { note } : {}),
  };

  // ---- the element window ----
  const size = Math.max(1, Math.min(256, Math.floor(p.size) || 64));
  const rows = Math.min(size, shape.Q), cols = Math.min(size, shape.KV);
  const q0 = Math.max(0, Math.min(shape.Q - rows, Math.floor(p.q0 ?? 0))), kv0 = Math.max(0, Math.min(shape.KV - cols, Math.floor(p.kv0 ?? 0)));
  let window: HeatMapWindow | null = null, windowError: string | undefined;
  if (!bindings) windowError = sampleWhy ?? "no sample data";
  else {
    try {
      const v = cellValues({ score: scoreFn, mask: maskFn }, bindings, b, h, { q0, kv0, rows, cols });
      window = { q0, kv0, rows, cols, raw: Array.from(v.raw), out: Array.from(v.out, enc), keep: mask ? Array.from(v.keep, (k) => k === 1) : null };
    } catch (e) {
      windowError = e instanceof Error ? e.message : String(e);
    }
  }
  const r: HeatMapOk = { ok: true, mod: mod.name, kind: mod.kind, pair: other?.name ?? null, shape: { ...shape }, b, h, tiles, window, ...(windowError ? { windowError } : {}) };
  return r;
}
