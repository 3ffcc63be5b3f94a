// `scoremod view FILE --mod NAME --out mask.png [--shape B,H,Q,KV] [--b N] [--h N] [--at Q0,KV0]
// [--size N] [--json]`: the editor's mask and score view (server/src/view/maskView.ts) as a PNG,
// for CI logs and papers: the whole problem's tiles (empty / partial / full) beside one window
// of element values, with labels and legends.
import { writeFileSync } from "node:fs";
import type { HeatMapOk } from "../protocol";
import { maskView } from "../view/maskView";
import { analyzeInBudget } from "../budget/budgetedAnalysis";
import { Raster, type Rgb } from "../view/raster";
import { EXIT, InputError, UsageError, parseArgs, processIo, readSourceFile, reportUsageError, samePath, singleFile, type Io } from "./args";
import { parseShape4 } from "./sparsity";

const SPEC = { mod: "string", out: "string", shape: "string", b: "int", h: "int", at: "string", size: "int", json: "boolean", help: "boolean" } as const;
const USAGE = `usage: scoremod view FILE --mod NAME --out PATH.png [--shape B,H,Q,KV] [--b N] [--h N] [--at Q0,KV0] [--size N] [--json]
  --mod NAME    the mod to show (with the file's first mod of the other kind: score mod + mask)
  --out PATH    the PNG to write
  --shape ...   the problem (default 1,1,1024,1024); tiles are 128 x 128
  --b, --h      which batch row and head (default 0, 0)
  --at Q0,KV0   first q and kv of the element window (default 0,0)
  --size N      side of the element window, 1..256 (default 64)
  --json        also print the view as JSON (tile classes, window values)
exit: 0 written, 1 the view failed (e.g. the mod has errors), 2 bad usage or input
`;

const INK: Rgb = [32, 32, 32], PAPER: Rgb = [255, 255, 255], SUBTLE: Rgb = [110, 110, 110];
const TILE_COLORS: Rgb[] = [[232, 232, 232], [235, 180, 40], [70, 160, 95]];  // empty, partial, full
const COLD: Rgb = [50, 115, 215], HOT: Rgb = [220, 105, 30], MASKED: Rgb = [200, 200, 200], NAN: Rgb = [210, 40, 40], FRAME: Rgb = [20, 90, 200];
const mix = (a: Rgb, b: Rgb, t: number): Rgb => [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as unknown as Rgb;

/** Draws the view: title and summary, the tile map with axes and legend, the element window with its colour scale. */
export function renderView(r: HeatMapOk): Raster {
  const S = 2, LH = 18, M = 16, AXIS = 76;  // text scale, line height, margin, room for axis numbers
  const t = r.tiles;
  const tpx = Math.max(1, Math.floor(512 / Math.max(t.nQ, t.nKv)));
  const tileW = t.nKv * tpx, tileH = t.nQ * tpx;
  const w = r.window;
  const cpx = w ? Math.max(2, Math.floor(512 / Math.max(w.rows, w.cols))) : 0;
  const cellW = w ? w.cols * cpx : 0, cellH = w ? w.rows * cpx : 0;
  const pct = (n: number) => `${((100 * n) / Math.max(1, t.tiles)).toFixed(1)}%`;
  const title = `${r.mod}${r.pair ? ` + ${r.pair}` : ""}: B${r.shape.B} H${r.shape.H} Q${r.shape.Q} KV${r.shape.KV}, b=${r.b} h=${r.h}`;
  const summary = `${t.sparsity === null ? "at least " : ""}${t.empty} of ${t.tiles} tiles empty (${pct(t.empty)}), ${t.full} full, ${t.partial} partial; ${t.proof === "static" ? "proven from the indices" : "evaluated on sample data"}`;
  const top = M + 3 * LH + (t.note ? LH : 0);
  const leftW = AXIS + Math.max(tileW, Raster.textWidth("empty  partial  full", S) + 60);
  const width = Math.max(M * 2 + leftW + (w ? 40 + AXIS + Math.max(cellW, 260) : Raster.textWidth(r.windowError ?? "", S)), Raster.textWidth(summary, S) + 2 * M);
  const height = top + LH + Math.max(tileH, cellH) + 4 * LH + M;
  const img = new Raster(width, height, PAPER);
  img.text(M, M, title, INK, S);
  img.text(M, M + LH + 4, summary, SUBTLE, S);
  if (t.note) img.text(M, M + 2 * LH + 4, t.note.slice(0, Math.floor((width - 2 * M) / (6 * S))), SUBTLE, S);

  // Tiles: kv across, q down; axis numbers are element indices.
  const tx = M + AXIS, ty = top + LH;
  img.text(tx, top, `tiles ${t.tileQ}x${t.tileKv}: kv ->`, INK, S);
  for (let i = 0; i < t.nQ; i++) for (let j = 0; j < t.nKv; j++) img.rect(tx + j * tpx, ty + i * tpx, tpx, tpx, TILE_COLORS[t.classes[i * t.nKv + j]!]!);
  img.frame(tx - 1, ty - 1, tileW + 2, tileH + 2, SUBTLE);
  if (w) img.frame(tx + (w.kv0 / t.tileKv) * tpx, ty + (w.q0 / t.tileQ) * tpx, Math.max(3, (w.cols / t.tileKv) * tpx), Math.max(3, (w.rows / t.tileQ) * tpx), FRAME, 2);
  img.text(M, ty, "q 0", INK, S);
  img.text(M, ty + tileH - 14, String(r.shape.Q - 1), INK, S);
  img.text(tx, ty + tileH + 6, "0", INK, S);
  const kvEnd = String(r.shape.KV - 1);
  img.text(tx + tileW - Raster.textWidth(kvEnd, S), ty + tileH + 6, kvEnd, INK, S);
  let lx = tx;
  const ly = ty + tileH + 6 + LH + 4;
  ["empty", "partial", "full"].forEach((name, k) => {
    img.rect(lx, ly, 14, 14, TILE_COLORS[k]!); img.frame(lx, ly, 14, 14, SUBTLE);
    lx += 20 + img.text(lx + 20, ly, name, INK, S) + 16;
  });

  // The element window: score' on a cold-to-hot scale where kept.
  const cx = M + leftW + 40 + AXIS;
  if (!w) img.text(cx - AXIS, ty, `no values: ${r.windowError ?? "not evaluated"}`.slice(0, 80), SUBTLE, S);
  else {
    const num = (v: number | string) => (v === "-inf" ? -Infinity : v === "inf" ? Infinity : v === "nan" ? NaN : (v as number));
    const kept = (i: number) => (w.keep ? w.keep[i] === true : true);
    const vals = w.out.map(num).filter((x, i) => kept(i) && Number.isFinite(x));
    const min = vals.length ? Math.min(...vals) : 0, max = vals.length ? Math.max(...vals) : 0;
    img.text(cx, top, `q ${w.q0}..${w.q0 + w.rows - 1} x kv ${w.kv0}..${w.kv0 + w.cols - 1}: ${r.kind === "score" || r.pair ? "score'" : "mask"}`, INK, S);
    for (let i = 0; i < w.rows; i++) {
      for (let j = 0; j < w.cols; j++) {
        const k = i * w.cols + j, x = num(w.out[k]!);
        const c = Number.isNaN(x) ? NAN : !kept(k) || x === -Infinity ? MASKED : mix(COLD, HOT, max > min ? (Math.min(max, x) - min) / (max - min) : 0.5);
        img.rect(cx + j * cpx, ty + i * cpx, cpx, cpx, c);
      }
    }
    img.frame(cx - 1, ty - 1, cellW + 2, cellH + 2, SUBTLE);
    img.text(cx - AXIS, ty, `q ${w.q0}`, INK, S);
    img.text(cx, ty + cellH + 6, `kv ${w.kv0}`, INK, S);
    const sy = ty + cellH + 6 + LH + 4;
    const lo = min.toPrecision(3), hi = max.toPrecision(3);
    let sx = cx + img.text(cx, sy, lo, INK, S) + 8;
    for (let x = 0; x < 120; x++) img.rect(sx + x, sy, 1, 14, mix(COLD, HOT, x / 119));
    sx += 128;
    sx += img.text(sx, sy, hi, INK, S) + 16;
    img.rect(sx, sy, 14, 14, MASKED); sx += 20 + img.text(sx + 20, sy, "masked", INK, S) + 12;
    img.rect(sx, sy, 14, 14, NAN); img.text(sx + 20, sy, "nan", INK, S);
  }
  return img;
}


export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let json = false;
  try {
    const { positional, flags } = parseArgs(argv, SPEC);
    if (flags.help) { io.out(USAGE); return EXIT.ok; }
    json = flags.json === true;
    const file = singleFile(positional);
    if (!flags.mod) throw new UsageError("--mod NAME is required");
    if (!flags.out) throw new UsageError("--out PATH.png is required");
    if (!/\.png$/i.test(flags.out)) throw new UsageError(`--out must name a .png file, got '${flags.out}'`);
    if (samePath(flags.out, file)) throw new InputError(`--out ${flags.out} is the input file; choose another path`);
    const shape = flags.shape !== undefined ? parseShape4(flags.shape) : undefined;
    let q0: number | undefined, kv0: number | undefined;
    if (flags.at !== undefined) {
      const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(flags.at);
      if (!m) throw new UsageError(`--at needs Q0,KV0 as non-negative integers, got '${flags.at}'`);
      [q0, kv0] = [Number(m[1]), Number(m[2])];
    }
    if (flags.size !== undefined && (flags.size < 1 || flags.size > 256)) throw new UsageError(`--size must be between 1 and 256, got ${flags.size}`);
    const text = readSourceFile(file);
    // The view's analysis (viewAnalysis's options) under the budget: TypeScript never sees the text in this thread.
    const fa = analyzeInBudget(file, text, { target: "runner-hopper", vecSize: 1 });
    const r = maskView(file, text, { mod: flags.mod, size: flags.size ?? 64, shape, b: flags.b, h: flags.h, q0, kv0 }, fa);
    if (!r.ok) {
      io.err(`scoremod view: ${r.error}\n`);
      if (json) io.out(JSON.stringify({ file, error: r.error }) + "\n");
      return EXIT.errors;
    }
    writeFileSync(flags.out, renderView(r).png());
    const t = r.tiles;
    if (json) io.out(JSON.stringify({ file, out: flags.out, view: r }) + "\n");
    else io.out(`${flags.out}: ${r.mod}${r.pair ? ` + ${r.pair}` : ""} at B${r.shape.B} H${r.shape.H} Q${r.shape.Q} KV${r.shape.KV} (b=${r.b}, h=${r.h}): ${t.empty} of ${t.tiles} tiles empty, ${t.full} full, ${t.partial} partial${t.sparsity === null ? " (some undecided)" : ""}${r.window ? "" : `; no element values: ${r.windowError}`}\n`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return reportUsageError("view", err, io, USAGE, json);
  }
}
