// Analysis latency for a 300-line score_mod file built from the examples (ARCHITECTURE.md "Performance bars": warm
// re-analysis after an edit within 50 ms). Not a test: prints a table; record it in BENCHMARKS.md.
//   node scripts/bench-analysis.mjs [--lines 300] [--edits 60] [--problem] [--root DIR]
//                                  [--bundle-out DIR | --bundle DIR]
// --root: bundle the sources of another checkout (an A/B against main in the same call).
// --bundle-out DIR writes the bundle and the examples it reads to DIR and stops; --bundle DIR
// runs from such a folder with no node_modules (on a machine without esbuild, e.g. an idle
// lent GPU host, where the timings are not disturbed by other work on this 2-core VM).
import { mkdirSync, mkdtempSync, copyFileSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const argAt = (name) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const prebuilt = argAt("bundle");
const root = prebuilt ?? argAt("root") ?? join(dirname(fileURLToPath(import.meta.url)), "..");
function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? dflt : Number(process.argv[i + 1]);
}
const targetLines = arg("lines", 300);
// --problem: analyse as the editor does with its default benchmark problem (index safety checked
// at B1 H16 Q=KV=8192, SM160-SM162).
const opts = process.argv.includes("--problem") ? { shape: { B: 1, H: 16, Q: 8192, KV: 8192 } } : {};
const edits = arg("edits", 60);

// Bundle the TypeScript sources once (the same code the CLI and server bundles contain).
const dir = mkdtempSync(join(tmpdir(), "scoremod-bench-"));
const entry = join(dir, "entry.ts");
const bundleLines = [
  // The bundle doubles as the analysis worker (server/src/budget), as dist/cli.js and dist/server.js do.
  `import { isAnalysisWorker, serveAnalysis } from ${JSON.stringify(join(root, "server/src/budget/entry.ts"))};`,
  `if (isAnalysisWorker()) serveAnalysis();`,
  `export { BudgetedAnalysis } from ${JSON.stringify(join(root, "server/src/budget/budgetedAnalysis.ts"))};`,
  `export { AnalysisHost } from ${JSON.stringify(join(root, "server/src/analysis/index.ts"))};`,
  `export { TsProgram } from ${JSON.stringify(join(root, "server/src/analysis/program.ts"))};`,
  `export { extract } from ${JSON.stringify(join(root, "server/src/analysis/extract.ts"))};`,
  `export * as boundsModule from ${JSON.stringify(join(root, "server/src/analysis/bounds.ts"))};`,
];
let outfile = join(dir, "bench.cjs");
if (prebuilt) outfile = join(prebuilt, "bench.cjs");
else {
  writeFileSync(entry, bundleLines.join("\n"));
  const { build } = await import("esbuild");
  await build({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", target: "node20", outfile, logLevel: "warning", nodePaths: [join(root, "node_modules")] });
}
const bundleOut = argAt("bundle-out");
if (bundleOut) {
  mkdirSync(join(bundleOut, "examples"), { recursive: true });
  copyFileSync(outfile, join(bundleOut, "bench.cjs"));
  for (const f of readdirSync(join(root, "examples"))) if (f.endsWith(".scoremod.ts")) copyFileSync(join(root, "examples", f), join(bundleOut, "examples", f));
  console.log(`bench bundle written to ${bundleOut}`);
  process.exit(0);
}
const { AnalysisHost, BudgetedAnalysis, TsProgram, extract, boundsModule } = createRequire(import.meta.url)(outfile);
// Checkouts from before verdicts at every size have no anySizeBounds: that row is then left out.
const { anySizeBounds, loadBounds } = boundsModule;

/** Concatenates renamed copies of the examples (one import line) until the file has `lines` lines. */
function bigFile(lines) {
  const exDir = join(root, "examples");
  const srcs = readdirSync(exDir).filter((f) => f.endsWith(".scoremod.ts")).sort().map((f) => readFileSync(join(exDir, f), "utf8"));
  const imports = new Set();
  const body = [];
  for (let k = 0; body.join("\n").split("\n").length < lines - 2; k++) {
    let src = srcs[k % srcs.length];
    src = src.replace(/^import\s*\{([^}]*)\}\s*from\s*"scoremod";\s*$/m, (_, names) => {
      for (const n of names.split(",")) if (n.trim()) imports.add(n.trim());
      return "";
    });
    // Every top-level name (exported or not: helpers and module consts too) gets the copy's suffix.
    for (const [, name] of src.matchAll(/^(?:export )?(?:const|function) (\w+)/gm)) src = src.replace(new RegExp(`\\b${name}\\b`, "g"), `${name}_${k}`);
    src = src.replace(/\b(tensor|scalar)\("(\w+)"/g, (_, fn, n) => `${fn}("${n}_${k}"`);
    body.push(src.trim());
  }
  return `import { ${[...imports].sort().join(", ")} } from "scoremod";\n${body.join("\n\n")}\n`;
}

const text = bigFile(targetLines);
const nLines = text.split("\n").length;
const name = "/bench/big.scoremod.ts";
// Wall time, and this process's CPU time (user + system): on a loaded machine the CPU time is
// the better estimate of the uncontended latency (the work is single-threaded).
let lastCpu = 0;
const ms = (f) => {
  const c = process.cpuUsage();
  const t = performance.now();
  const r = f();
  const d = process.cpuUsage(c);
  lastCpu = (d.user + d.system) / 1000;
  return [performance.now() - t, r];
};
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p90: q(0.9), max: s[s.length - 1] };
};

// Cold: a fresh host and program (the first in this process also pays module and JIT warm-up).
const [coldFirst, a0] = ms(() => { const h = new AnalysisHost(); h.setFile(name, text); return h.analyze(name, opts); });
const errors = a0.diagnostics.filter((d) => d.severity === "error");
if (errors.length) { console.error(`bench: the generated file has errors: ${JSON.stringify(errors.slice(0, 3))}`); process.exit(1); }
const coldAgain = [];
for (let i = 0; i < 5; i++) coldAgain.push(ms(() => { const h = new AnalysisHost(); h.setFile(name, text); return h.analyze(name, opts); })[0]);

// Warm: one host, a one-line edit (a number inside one mod body changes), re-analyse.
const host = new AnalysisHost();
host.setFile(name, text);
host.analyze(name, opts);
const lines = text.split("\n");
const editLine = lines.findIndex((l, i) => i > nLines / 2 && /scoreMod\(/.test(l));
const warm = [], warmCpu = [], tsOnly = [], tsCpu = [], rest = [], safety = [], afterTs = [];
const prog = new TsProgram();
prog.setFile(name, text);
prog.diagnostics(name);
for (let i = 0; i < edits; i++) {
  const edited = [...lines];
  edited[editLine] = `${lines[editLine]} // edit ${i}`;
  const t = edited.join("\n");
  // An edit is: replace the text, then analyse; both are timed.
  const [wall, fa] = ms(() => { host.setFile(name, t); return host.analyze(name, opts); });
  warm.push(wall);
  warmCpu.push(lastCpu);
  // Index safety alone, as the analysis runs it: at the problem shape, or at every size without one.
  const dims = Object.fromEntries(fa.tensors.flatMap((x) => x.shape.filter((d) => typeof d === "string").map((d) => [d, 16])));
  if (anySizeBounds) safety.push(ms(() => { for (const m of fa.mods) opts.shape ? loadBounds(fa, m, opts.shape, dims, {}) : anySizeBounds(fa, m); })[0]);
  tsOnly.push(ms(() => { prog.setFile(name, t); return prog.diagnostics(name); })[0]);
  tsCpu.push(lastCpu);
  // The analysis's own share of this edit: its CPU time less the same re-check's, measured back to back.
  afterTs.push(warmCpu[warmCpu.length - 1] - lastCpu);
  const sf = prog.sourceFile(name);
  rest.push(ms(() => extract(sf))[0]);
}

// The same edits through the budgeted analysis (a worker thread under a deadline), as the editor
// and the CLI run it: the worker's analysis plus the round trip (structured clone of the result).
const budgeted = new BudgetedAnalysis({ workerEntry: outfile });
budgeted.analyze(name, text, opts);
const viaWorker = [];
for (let i = 0; i < edits; i++) {
  const edited = [...lines];
  edited[editLine] = `${lines[editLine]} // worker edit ${i}`;
  viaWorker.push(ms(() => budgeted.analyze(name, edited.join("\n"), opts))[0]);
}
budgeted.dispose();

const row = (label, s) => `| ${label.padEnd(44)} | ${s.median.toFixed(1).padStart(7)} | ${s.p90.toFixed(1).padStart(7)} | ${s.max.toFixed(1).padStart(7)} |`;
const mods = a0.mods.length, loads = a0.mods.reduce((n, m) => n + m.loads.length, 0);
console.log(`analysis of a ${nLines}-line file (${mods} mods, ${loads} aux loads), Node ${process.version}, ${edits} edits`);
console.log(`| ${"case".padEnd(44)} | median  |   p90   |   max   |`);
console.log(`|${"-".repeat(46)}|---------|---------|---------|`);
console.log(row("cold, first in process (ms)", { median: coldFirst, p90: coldFirst, max: coldFirst }));
console.log(row("cold, fresh host (ms)", stats(coldAgain)));
console.log(row("warm, after a one-line edit (ms)", stats(warm)));
console.log(row("  the same, CPU time of this process (ms)", stats(warmCpu)));
console.log(row("  of which replace text + TypeScript (ms)", stats(tsOnly)));
console.log(row("  of which replace text + TS, CPU (ms)", stats(tsCpu)));
console.log(row("  of which extraction to IR (ms)", stats(rest)));
console.log(row("  after TypeScript: warm CPU - TS CPU (ms)", stats(afterTs)));
if (safety.length) console.log(row(`  of which index safety, ${opts.shape ? "at the shape" : "at every size"} (ms)`, stats(safety)));
console.log(row("warm edit through the budgeted worker (ms)", stats(viaWorker)));
const load = (await import("node:os")).loadavg()[0];
console.log(`target: warm <= 50 ms: ${stats(warm).median <= 50 ? "met" : "NOT met"} (median wall), ${stats(warmCpu).median <= 50 ? "met" : "NOT met"} (median CPU); load average ${load.toFixed(1)} on ${(await import("node:os")).cpus().length} cores`);
