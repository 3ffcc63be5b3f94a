// Long fuzz run of the analysis (CI runs a short one in test/unit/analysis/fuzz.test.ts).
//   node scripts/fuzz.mjs [--cases 100000] [--seed 1] [--budget-ms 2000] [--slow-ms 1000]
// Bundles the TypeScript sources with esbuild, then feeds generated and mutated score_mod
// files, and 2% type-level and parser-backtracking bombs (test/fuzz/generate.ts), to the analysis
// under its budget (server/src/budget: a worker thread; the bundle doubles as its script), as the
// CLI and the editor run it. A failing case (throw, SM199, bad range, > 1 s for an ordinary case,
// SM151 on an ordinary case, over the budget for a hostile one) is saved under
// test/fixtures/fuzz/ and the script exits 1. Prints the peak memory of the process (worker included).
import { build } from "esbuild";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) { console.error(`fuzz: --${name} needs a non-negative integer`); process.exit(2); }
  return v;
}
const cases = arg("cases", 100_000);
const seed = arg("seed", 1);
const budgetMs = arg("budget-ms", 2000);
// An ordinary case slower than this fails (issue 14's bar counts a hang as over 2 s; 1 s by
// default catches slow paths early on an idle machine).
const slowMs = arg("slow-ms", 1000);

const dir = mkdtempSync(join(tmpdir(), "scoremod-fuzz-"));
const entry = join(dir, "entry.ts");
writeFileSync(entry, [
  `import { isAnalysisWorker, serveAnalysis } from ${JSON.stringify(join(root, "server/src/budget/entry.ts"))};`,
  `if (isAnalysisWorker()) serveAnalysis();`,
  `export { BudgetedAnalysis } from ${JSON.stringify(join(root, "server/src/budget/budgetedAnalysis.ts"))};`,
  `export { fuzzCaseOf } from ${JSON.stringify(join(root, "test/fuzz/generate.ts"))};`,
  `export { runCase } from ${JSON.stringify(join(root, "test/fuzz/check.ts"))};`,
].join("\n"));
const outfile = join(dir, "fuzz.cjs");
await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", outfile, logLevel: "warning", nodePaths: [join(root, "node_modules")] });
const { BudgetedAnalysis, fuzzCaseOf, runCase } = createRequire(import.meta.url)(outfile);

const exDir = join(root, "examples");
const seeds = readdirSync(exDir).filter((f) => f.endsWith(".ts")).map((f) => readFileSync(join(exDir, f), "utf8"));
const newAnalysis = () => new BudgetedAnalysis({ workerEntry: outfile, timeoutMs: budgetMs, memoryMb: 1024 });
let host = newAnalysis();
const times = new Float64Array(cases);
let failures = 0, hostile = 0, overruns = 0;
const t0 = Date.now();
for (let i = 0; i < cases; i++) {
  const c = fuzzCaseOf(seed, i, seeds, true);
  const text = c.text;
  const r = runCase(host, text, c.hostile, slowMs);
  times[i] = r.ms;
  if (c.hostile) hostile++;
  if (r.overrun) overruns++;
  if (r.problems.length) {
    failures++;
    const out = join(root, "test/fixtures/fuzz");
    mkdirSync(out, { recursive: true });
    const name = join(out, `seed${seed}-case${i}.scoremod.ts`);
    writeFileSync(name, text);
    console.error(`FAIL case ${i}: ${r.problems.join("; ")} (saved ${name})`);
    if (failures >= 20) { console.error("fuzz: stopping after 20 failures"); break; }
  }
  // A fresh host now and then also exercises cold programs.
  if (i % 5000 === 4999) { host.dispose(); host = newAnalysis(); }
  if ((i + 1) % 5000 === 0) console.log(`fuzz: ${i + 1}/${cases} cases, ${failures} failures, ${overruns}/${hostile} hostile cases over budget, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
const done = times.filter((t) => t > 0).sort();
const pct = (p) => (done.length ? done[Math.min(done.length - 1, Math.floor(p * done.length))] : 0).toFixed(1);
const ordinaryMax = times.reduce((m, t, i) => (fuzzCaseOf(seed, i, [], true).hostile ? m : Math.max(m, t)), 0);
console.log(`fuzz: seed ${seed}, ${done.length} cases in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${failures} failures; ` +
  `${hostile} hostile cases, ${overruns} over the ${budgetMs} ms budget (SM151); ` +
  `per case p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${(done[done.length - 1] ?? 0).toFixed(1)} ms (ordinary cases: max ${ordinaryMax.toFixed(1)} ms); ` +
  `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (process and analysis worker)`);
host.dispose();
process.exit(failures ? 1 : 0);
