// Benchmark (not a test): the host-side preparation of runner jobs, without a GPU — what the
// worker computes before the first compile: the analyses, generated mods and translation units
// (nvcc/NVRTC compile excluded) and loading the user's module (transpile + evaluate). Prints one
// table: median wall time per job and how many times the file was analysed.
//   node scripts/bench-prep.mjs [--reps 7]
// The jobs: a bench of kv_bias, a bench of softcap paired with its causal mask, and the kv_bias
// sweep (V 1..128 × align elem/4/8/16), each as on an H100 (sm_90: Hopper kernel for V <= 2).
import { build } from "esbuild";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const i = process.argv.indexOf("--reps");
const reps = i < 0 ? 7 : Number(process.argv[i + 1]);
const src = (p) => JSON.stringify(join(root, p));

// Since the runner prepares a job in one place (runner/prepare.ts) the script calls that; before,
// it repeats the calls run.ts and sweep.ts made, in their order.
const unified = existsSync(join(root, "server/src/runner/prepare.ts"));
const dir = mkdtempSync(join(tmpdir(), "scoremod-bench-prep-"));
const entry = join(dir, "entry.ts");
writeFileSync(entry, [
  `export { AnalysisHost } from ${src("server/src/analysis/index.ts")};`,
  `export { planKernel } from ${src("server/src/runner/kernelChoice.ts")};`,
  `export { buildProgram, readGeometry } from ${src("server/src/runner/source.ts")};`,
  `export { SWEEP_VECS, SWEEP_ALIGNS } from ${src("server/src/runner/sweep.ts")};`,
  unified
    ? `export { prepareJob, JobFile } from ${src("server/src/runner/prepare.ts")};`
    : [`export { prepareMod } from ${src("server/src/runner/source.ts")};`,
      `export { loadScoreModule } from ${src("runtime/src/load.ts")};`,
      `export { neutralizeDocComments } from ${src("server/src/analysis/limits.ts")};`,
      `export { ts } from "ts-morph";`].join("\n"),
].join("\n"));
const outfile = join(dir, "bench.cjs");
await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", outfile, logLevel: "warning", nodePaths: [join(root, "node_modules")] });
const m = createRequire(import.meta.url)(outfile);

let analyses = 0;
let moduleMs = 0;
/** Times the module load (transpile + evaluate) apart from the rest. */
const timed = (fn) => { const t0 = performance.now(); const r = fn(); moduleMs += performance.now() - t0; return r; };
const analyze = m.AnalysisHost.prototype.analyze;
m.AnalysisHost.prototype.analyze = function (...a) { analyses++; return analyze.apply(this, a); };

const dev = { sm: 90, name: "H100 (planned, not opened)", arch: "sm_90a" };
const kdir = join(root, "csrc/kernels");
const shape = { B: 1, H: 16, Q: 8192, KV: 8192, D: 128 };
const job = (file, mod, extra = {}) => ({ fileName: join(root, "examples", file), text: readFileSync(join(root, "examples", file), "utf8"), mod, shape, kernelDir: kdir, ...extra });

/** The old bench path (run.ts before runner/prepare.ts): plan, prepare each mod, build the programs, load the module. */
function benchBefore(j) {
  const plan = m.planKernel(dev, j);
  const primary = m.prepareMod(j.fileName, j.text, j.mod, { vec: plan.vec, align: j.align, target: plan.target });
  const other = j.pair ? m.prepareMod(j.fileName, j.text, j.pair, { vec: plan.pairVec, align: j.align, target: plan.target }) : undefined;
  const score = primary.mod.kind === "score" ? primary : other, mask = primary.mod.kind === "mask" ? primary : other;
  const base = { score, mask, dtype: "bf16", D: j.shape.D, geometry: m.readGeometry(kdir), kernel: plan.kernel };
  const vec = m.buildProgram({ ...base, build: "vec", bounds: false });
  const scalar = m.buildProgram({ ...base, build: "scalar", bounds: false });
  return [vec, scalar, timed(() => {
    const js = m.ts.transpileModule(m.neutralizeDocComments(primary.text), { compilerOptions: { module: m.ts.ModuleKind.CommonJS, target: m.ts.ScriptTarget.ES2020 }, fileName: j.fileName }).outputText;
    return m.loadScoreModule(js, j.fileName);
  })];
}
/** The old sweep path: every cell prepared and built for the compile phase, then each cell run as a bench job. */
function sweepBefore(j) {
  const geometry = m.readGeometry(kdir);
  const cells = [];
  for (const align of m.SWEEP_ALIGNS) for (const vec of m.SWEEP_VECS) cells.push({ vec, align });
  for (const c of cells) {
    const plan = m.planKernel(dev, { ...j, vec: c.vec });
    const p = m.prepareMod(j.fileName, j.text, j.mod, { vec: plan.vec, align: c.align, target: plan.target });
    for (const build of ["vec", "scalar"]) m.buildProgram({ score: p, build, dtype: "bf16", D: j.shape.D, bounds: false, geometry, kernel: plan.kernel });
  }
  for (const c of cells) benchBefore({ ...j, vec: c.vec, align: c.align });
}
function benchAfter(j) {
  const p = m.prepareJob(dev, j, new m.JobFile(j.fileName, j.text));
  return [p.programs.vec, p.programs.scalar, timed(() => p.file.module())];
}
function sweepAfter(j) {
  const file = new m.JobFile(j.fileName, j.text);
  const cells = [];
  for (const align of m.SWEEP_ALIGNS) for (const vec of m.SWEEP_VECS) cells.push({ vec, align });
  for (const c of cells) {
    const p = m.prepareJob(dev, { ...j, vec: c.vec, align: c.align }, file);
    timed(() => p.file.module());
  }
}
const cases = [
  ["bench kv_bias (kvBiasMod)", () => (unified ? benchAfter : benchBefore)(job("kv_bias.scoremod.ts", "kvBiasMod"))],
  ["bench softcap + causal (pair)", () => (unified ? benchAfter : benchBefore)(job("softcap.scoremod.ts", "softcap", { pair: "causal" }))],
  ["sweep kv_bias (8 V × 4 align = 32 cells)", () => (unified ? sweepAfter : sweepBefore)(job("kv_bias.scoremod.ts", "kvBiasMod"))],
];
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`host-side job preparation (${unified ? "runner/prepare.ts" : "before runner/prepare.ts"}), ${reps} runs after 1 warm-up, Node ${process.version}`);
console.log("| job | analysis + generation + programs, median ms (min) | module load, median ms | analyses per job |");
console.log("|---|---|---|---|");
for (const [name, fn] of cases) {
  fn();
  const ms = [], mod = [];
  let count = 0;
  for (let r = 0; r < reps; r++) {
    analyses = 0;
    moduleMs = 0;
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0 - moduleMs);
    mod.push(moduleMs);
    count = analyses;
  }
  console.log(`| ${name} | ${med(ms).toFixed(1)} (${Math.min(...ms).toFixed(1)}) | ${med(mod).toFixed(1)} | ${count} |`);
}
