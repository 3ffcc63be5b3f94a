// Code generation latency and nvcc compile time (issue 3; record in BENCHMARKS.md). Not a test.
//   node scripts/bench-codegen.mjs [--reps 200]
// 1. Warm time to generate CUDA for every mod of the largest example (the analysis is computed
//    once; the target is <= 20 ms). 2. nvcc -ptx time per target, for that example alone and for
//    the PTX proof's batched translation unit (every example and trap, every legal V).
import { build } from "esbuild";
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const i = process.argv.indexOf("--reps");
const reps = i < 0 ? 200 : Number(process.argv[i + 1]);

const dir = mkdtempSync(join(tmpdir(), "scoremod-bench-cg-"));
const entry = join(dir, "entry.ts");
writeFileSync(entry, [
  `export { AnalysisHost } from ${JSON.stringify(join(root, "server/src/analysis/index.ts"))};`,
  `export { generateCuda } from ${JSON.stringify(join(root, "server/src/codegen/cuda.ts"))};`,
  `export { exportFa4 } from ${JSON.stringify(join(root, "server/src/codegen/exportFa4.ts"))};`,
  `export { exportFlex } from ${JSON.stringify(join(root, "server/src/codegen/exportFlex.ts"))};`,
  `export { compileToPtx, findNvcc } from ${JSON.stringify(join(root, "server/src/toolchain/nvcc.ts"))};`,
  `export { TARGETS } from ${JSON.stringify(join(root, "server/src/analysis/targets.ts"))};`,
].join("\n"));
const outfile = join(dir, "bench.cjs");
await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", outfile, logLevel: "warning",
  nodePaths: [join(root, "node_modules")], define: { __dirname: JSON.stringify(join(root, "server/src/toolchain")) } });
const { AnalysisHost, generateCuda, exportFa4, exportFlex, compileToPtx, findNvcc, TARGETS } = createRequire(import.meta.url)(outfile);

const files = [];
for (const d of ["examples", "test/fixtures/traps"]) {
  for (const f of readdirSync(join(root, d)).filter((x) => x.endsWith(".scoremod.ts")).sort()) {
    files.push({ name: f, path: join(root, d, f), size: statSync(join(root, d, f)).size, dir: d });
  }
}
const largest = files.filter((f) => f.dir === "examples").sort((a, b) => b.size - a.size)[0];
const host = new AnalysisHost();
for (const f of files) host.setFile(f.name, readFileSync(f.path, "utf8"));

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const time = (fn) => { const t0 = performance.now(); fn(); return performance.now() - t0; };

console.log(`largest example: ${largest.name} (${largest.size} bytes)`);
const fa = host.analyze(largest.name);
const mods = fa.mods.map((m) => m.name);
for (let k = 0; k < 20; k++) for (const m of mods) generateCuda(fa, m); // warm-up (JIT)
const gen = [], anaGen = [], fa4 = [], flex = [];
for (let k = 0; k < reps; k++) {
  gen.push(time(() => { for (const m of mods) generateCuda(fa, m); }));
  fa4.push(time(() => exportFa4(fa)));
  flex.push(time(() => exportFlex(fa)));
}
for (let k = 0; k < Math.min(reps, 30); k++) {
  anaGen.push(time(() => { const a = host.analyze(largest.name, { target: "runner-sm90" }); for (const m of a.mods) generateCuda(a, m.name); }));
}
console.log(`generate CUDA (${mods.length} mod(s), warm, median of ${reps}): ${median(gen).toFixed(3)} ms   [target <= 20 ms]`);
console.log(`analysis + generate CUDA (warm, median of ${anaGen.length}): ${median(anaGen).toFixed(2)} ms`);
console.log(`export fa4: ${median(fa4).toFixed(3)} ms   export flex: ${median(flex).toFixed(3)} ms`);

let nvcc = null;
try { nvcc = findNvcc(); } catch (e) { console.log(`nvcc: ${e.message}; compile times skipped`); }
if (nvcc) {
  console.log(`nvcc: ${nvcc}`);
  console.log("target        arch      one example   proof unit (functions)");
  for (const t of Object.keys(TARGETS)) {
    const a = host.analyze(largest.name, { target: t, vecSize: Math.min(8, TARGETS[t].vecCap) });
    const one = a.mods.map((m) => generateCuda(a, m.name).text).join("");
    const r1 = await compileToPtx(one, { target: t });
    const units = [];
    for (const f of files) for (const V of [1, 2, 4, 8, 16]) {
      if (V > TARGETS[t].vecCap) continue;
      const x = host.analyze(f.name, { target: t, vecSize: V });
      for (const m of x.mods) if (m.ok) units.push(generateCuda(x, m.name, { symbolPrefix: f.name.replace(/\W/g, "_") + "_" }).text);
    }
    const r2 = await compileToPtx(units.join(""), { target: t });
    console.log(`${t.padEnd(13)} ${TARGETS[t].arch.padEnd(9)} ${(r1.ms / 1000).toFixed(2).padStart(8)} s   ${(r2.ms / 1000).toFixed(2).padStart(8)} s (${units.length})`);
  }
}
