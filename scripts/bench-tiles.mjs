// Static block-sparsity classification time (issue bar: <= 20 ms at S = 131072 with 128 x 128
// tiles). Not a test: prints a table; record it in BENCHMARKS.md.
//   node scripts/bench-tiles.mjs [--s 131072] [--reps 5]
import { build } from "esbuild";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i < 0 ? dflt : Number(process.argv[i + 1]); };
const S = arg("s", 131072), reps = arg("reps", 5);

const dir = mkdtempSync(join(tmpdir(), "scoremod-tiles-"));
const entry = join(dir, "entry.ts");
writeFileSync(entry, [
  `export { analyze } from ${JSON.stringify(join(root, "server/src/analysis/index.ts"))};`,
  `export { classifyTiles } from ${JSON.stringify(join(root, "server/src/analysis/tiles.ts"))};`,
].join("\n"));
const outfile = join(dir, "bench.cjs");
await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", outfile, logLevel: "warning", nodePaths: [join(root, "node_modules")] });
const { analyze, classifyTiles } = createRequire(import.meta.url)(outfile);

const files = ["examples/causal.scoremod.ts", "examples/sliding_window.scoremod.ts", "test/fixtures/masks/block_diagonal.scoremod.ts",
  "test/fixtures/masks/head_window.scoremod.ts", "test/fixtures/masks/natten.scoremod.ts", "test/fixtures/masks/softcap_causal_score.scoremod.ts"];
const rows = [];
for (const f of files) {
  const fa = analyze(f, readFileSync(join(root, f), "utf8"), { target: "runner-hopper" });
  const m = fa.mods[0];
  const scalars = Object.fromEntries(fa.scalars.map((s) => [s.name, s.defaultValue]));
  const pair = m.kind === "mask" ? { mask: m } : { score: m };
  const shape = { B: 1, H: 16, Q: S, KV: S };
  const times = [];
  let g;
  for (let r = 0; r < reps + 1; r++) {
    const t0 = process.hrtime.bigint();
    g = classifyTiles(pair, shape, { q: 128, kv: 128 }, { dims: {}, scalars });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r > 0) times.push(ms);  // the first run warms the JIT
  }
  times.sort((a, b) => a - b);
  rows.push({ file: f, mod: m.name, grids: g.gridsB * g.gridsH, tiles: g.tiles, empty: g.empty, full: g.full, partial: g.partial, sparsity: (g.empty / g.tiles).toFixed(4), "median ms": times[times.length >> 1].toFixed(2) });
}
console.log(`static tile classification, B=1 H=16 Q=KV=${S}, 128x128 tiles, ${reps} reps after one warm-up (node ${process.version})`);
console.table(rows);
