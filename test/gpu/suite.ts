// The GPU test suite (`npm run test:gpu`, bundled to dist/gpu-tests.js by scripts/test-gpu.sh).
// Runs on a machine with an NVIDIA GPU and no node_modules: everything goes through the
// supervised runner process (dist/runner-worker.js) exactly as the CLI and the extension do.
//   node dist/gpu-tests.js run OUTDIR      checks, fault injection, benchmarks, sweep -> OUTDIR/*.json
//   node dist/gpu-tests.js report OUTDIR   merges the Flex/SDPA figures (flex_check.py) into the tables
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as native from "../../csrc/index";
import { nvccOrEmpty } from "../../server/src/toolchain/nvcc";
import { formatBench, formatSweep } from "../../server/src/runner/format";
import { RunnerSupervisor } from "../../server/src/runner/supervisor";
import { RunnerError, TIMING, type BenchJob, type BenchResult, type Shape, type SweepResult } from "../../server/src/runner/types";
import { BENCH, CASES as ALL_CASES, MASKS_MEDIUM, SMALL, SMALL_D128, type Case } from "./cases";

const root = resolve(__dirname, "..");
/** SCOREMOD_GPU_PARTS=checks,faults,bench,sweep (default all) runs a subset. */
/** SCOREMOD_GPU_CASES=kv-bias,causal (labels; default all) runs a subset of the cases. */
const ONLY = process.env.SCOREMOD_GPU_CASES?.split(",");
const CASES = ONLY ? ALL_CASES.filter((c) => ONLY.includes(c.label)) : ALL_CASES;
const KV_BIAS = ALL_CASES.find((c) => c.label === "kv-bias")!;
const PARTS = new Set((process.env.SCOREMOD_GPU_PARTS ?? "checks,faults,bench,sweep").split(","));
let passed = 0, failed = 0;
const log: string[] = [];
function say(s: string): void { console.log(s); log.push(s); }
function result(name: string, ok: boolean, detail: string): void {
  if (ok) passed++; else failed++;
  say(`${ok ? "PASS" : "FAIL"} ${name}${detail ? `: ${detail}` : ""}`);
}

function fileOf(c: Pick<Case, "file" | "fixture">): string {
  return join(root, c.fixture ? "test/gpu/fixtures" : "examples", `${c.file}.scoremod.ts`);
}
function job(c: Case, shape: BenchJob["shape"], extra: Partial<BenchJob> = {}): BenchJob {
  const fileName = fileOf(c);
  return { fileName, text: readFileSync(fileName, "utf8"), mod: c.mod, pair: c.pair, shape, ...extra };
}

async function expectError(sup: RunnerSupervisor, j: BenchJob): Promise<RunnerError | null> {
  try { await sup.bench(j); return null; } catch (e) { if (e instanceof RunnerError) return e; throw e; }
}

async function runAll(out: string): Promise<void> {
  mkdirSync(out, { recursive: true });
  const probe = native.probe(nvccOrEmpty());
  if (!probe.ok) {
    result("probe", false, `${probe.reason}: ${probe.detail}`);
    writeFileSync(join(out, "runner.json"), JSON.stringify({ probe, date: new Date().toISOString(), passed, failed }, null, 1));
    return;
  }
  const d = probe.devices[0]!;
  say(`device: ${d.name} sm_${d.sm}, ${d.smCount} SMs, ${(d.memoryBytes / 2 ** 30).toFixed(0)} GiB, driver ${probe.driverVersion}, NVRTC ${probe.nvrtcVersion ?? "absent (nvcc)"}; ${new Date().toISOString()}`);
  result("probe", d.sm >= 80, `${d.name}`);
  const sup = new RunnerSupervisor({ idleLimitMs: 180_000 });
  const saved: Record<string, unknown> = { device: d, probe, date: new Date().toISOString() };
  try {
    // ---- 1. every example checked three ways on small shapes (and dumped for the Flex check) ----
    const checks: BenchResult[] = [];
    for (const c of PARTS.has("checks") ? CASES : []) {
      const shapes: [string, Shape][] = [["small", SMALL], ...(c.label === "kv-bias" || c.label === "softcap+causal" ? [["small-d128", SMALL_D128] as [string, Shape]] : [])];
      for (const [tag, shape] of shapes) {
        const name = `check ${c.label} ${tag}`;
        try {
          const r = await sup.bench(job(c, shape, { checks: { jsReference: true, bounds: true }, dumpDir: join(out, "cases", `${c.label}.${tag}`) }));
          checks.push(r);
          const three = ["vec-vs-scalar", "reference-kernel", "js-reference"].map((n) => r.checks.find((x) => x.name === n));
          const missing = three.some((x) => !x);
          result(name, r.ok && !missing, r.checks.map((x) => `${x.name} ${x.skipped ? `skipped (${x.skipped})` : x.ok ? "ok" : "FAILED"}${x.relL2 !== undefined ? ` relL2 ${x.relL2.toExponential(1)}` : ""}`).join("; "));
          if (!r.ok) say(formatBench(r));
        } catch (e) {
          result(name, false, e instanceof Error ? e.message : String(e));
        }
      }
    }
    // f16 inputs: the same three checks for one score mod and one mask pairing.
    for (const c of PARTS.has("checks") ? CASES.filter((x) => x.label === "kv-bias" || x.label === "softcap+causal") : []) {
      const name = `check ${c.label} small f16`;
      try {
        const r = await sup.bench(job(c, SMALL, { dtype: "f16", checks: { jsReference: true, bounds: true } }));
        checks.push(r);
        result(name, r.ok && r.dtype === "f16", r.checks.map((x) => `${x.name} ${x.skipped ? `skipped (${x.skipped})` : x.ok ? "ok" : "FAILED"}${x.relL2 !== undefined ? ` relL2 ${x.relL2.toExponential(1)}` : ""}`).join("; "));
        if (!r.ok) say(formatBench(r));
      } catch (e) {
        result(name, false, e instanceof Error ? e.message : String(e));
      }
    }
    // The portable kernel as a second opinion (it is the fallback for sm_80-89 and for V > 2):
    // the same three checks, forced onto it.
    for (const c of PARTS.has("checks") ? CASES.filter((x) => ["kv-bias", "softcap+causal", "document"].includes(x.label)) : []) {
      const name = `check ${c.label} small on the portable kernel`;
      try {
        const r = await sup.bench(job(c, SMALL, { kernel: "mma", checks: { jsReference: true } }));
        checks.push(r);
        result(name, r.ok && r.kernel === "mma", r.checks.map((x) => `${x.name} ${x.skipped ? `skipped (${x.skipped})` : x.ok ? "ok" : "FAILED"}${x.relL2 !== undefined ? ` relL2 ${x.relL2.toExponential(1)}` : ""}`).join("; "));
        if (!r.ok) say(formatBench(r));
      } catch (e) {
        result(name, false, e instanceof Error ? e.message : String(e));
      }
    }
    // Block sparsity: every mask on both kernels at a size with many empty and full tiles; the
    // reference kernel ignores the map, so a tile skipped or left unmasked wrongly fails it.
    const MASK_LABELS = ["causal", "softcap+causal", "sliding-window", "prefix-lm", "document"];
    for (const c of PARTS.has("checks") ? CASES.filter((x) => MASK_LABELS.includes(x.label)) : []) {
      for (const kernel of ["auto", "mma"] as const) {
        const name = `check ${c.label} block map ${kernel === "mma" ? "portable" : "default"} kernel`;
        try {
          const r = await sup.bench(job(c, MASKS_MEDIUM, { kernel, checks: { jsReference: false } }));
          checks.push(r);
          const bs = r.blockSparsity;
          result(name, r.ok && bs !== undefined && bs.empty > 0, `${bs ? `${bs.empty}/${bs.tiles} empty, ${bs.full} full, ${bs.proof}` : "no block map"}; ${r.checks.map((x) => `${x.name} ${x.skipped ? "skipped" : x.ok ? "ok" : `FAILED (${x.detail})`}`).join("; ")}`);
          if (!r.ok) say(formatBench(r));
        } catch (e) {
          result(name, false, e instanceof Error ? e.message : String(e));
        }
      }
    }
    saved.checks = checks;

    // ---- 2. fault injection on the real GPU ----
    if (PARTS.has("faults")) {
    const oor = { file: "out_of_range", mod: "farGather", label: "out-of-range", fixture: true };
    const pidBefore = sup.pid;
    const fault = await expectError(sup, job(oor, SMALL, { checks: { bounds: false, referenceKernel: false, vecVsScalar: false, jsReference: false } }));
    result("fault: out-of-range index is reported, naming the mod", fault !== null && (fault.info.kind === "fault" || fault.info.kind === "crash") && fault.message.includes("farGather"), fault ? `${fault.info.kind}: ${fault.message}` : "no error");
    const after = await sup.bench(job(KV_BIAS, SMALL, { checks: { jsReference: false } })).catch((e: Error) => e);
    result("fault: the host survives and the next run starts a fresh process", !(after instanceof Error) && sup.pid !== pidBefore, after instanceof Error ? after.message : `worker pid ${pidBefore} -> ${sup.pid}`);
    const bounds = await expectError(sup, job(oor, SMALL, { checks: { bounds: true, jsReference: false } }));
    result("fault: bounds-checked build names tensor, load line and index", bounds?.info.kind === "bounds" && /far_index|table/.test(bounds.message) && /index \d+ not in \[0, 64\)/.test(bounds.message) && bounds.info.line === 9,
      bounds ? bounds.message : "no error");
    const mis = await expectError(sup, job(KV_BIAS, SMALL, { misalignAux: { kv_bias: 2 } }));
    result("fault: misaligned promise refused before launch", mis?.info.kind === "refused" && mis.info.tensor === "kv_bias" && /data_ptr\(\) % (4|16) == 0/.test(mis.info.obligation ?? ""), mis ? mis.message : "no error");
    const okAfter = await sup.bench(job(KV_BIAS, SMALL, { checks: { jsReference: false } })).catch((e: Error) => e);
    result("fault: a refusal keeps the runner usable", !(okAfter instanceof Error) && okAfter.ok, okAfter instanceof Error ? okAfter.message : "");
    // Index safety: a table shorter than its index is refused before launch (the analysis's
    // witness); an index read from another tensor is checked by the bounds build that runs by
    // default. Neither is ever timed.
    const short = { file: "short_table", mod: "shortBias", label: "short-table", fixture: true };
    const refusedShort = await expectError(sup, job(short, SMALL, { timing: TIMING.smoke }));
    result("bounds: a table shorter than its index is refused before launch, naming the load", refusedShort?.info.kind === "bounds" && /refused before launch: short_bias in shortBias_\.at\(h, kv\)/.test(refusedShort.message),
      refusedShort ? refusedShort.message : "no error: it ran");
    const checkedOor = await expectError(sup, job(oor, SMALL, { timing: TIMING.smoke }));
    result("bounds: an unprovable index is caught by the default bounds-checked build, never timed", checkedOor?.info.kind === "bounds" && /far_index|table/.test(checkedOor.message) && /not in \[0, 64\)/.test(checkedOor.message),
      checkedOor ? checkedOor.message : "no error: it ran");
    const broken = { file: "broken_values", mod: "promisedGather", label: "broken-values", fixture: true };
    const refusedValues = await expectError(sup, job(broken, SMALL, { timing: TIMING.smoke }));
    result("bounds: a broken value promise of an index tensor is refused before launch", refusedValues?.info.kind === "refused" && /ids values in \[0, 64\) fails \(ids holds 1\d\d at element \d+/.test(refusedValues.message),
      refusedValues ? refusedValues.message : "no error: it ran");
    // A wrong block map (each row's last tile dropped) must fail the reference check.
    const causalCase = CASES.find((x) => x.label === "causal") ?? ALL_CASES.find((x) => x.label === "causal")!;
    const wrong = await sup.bench(job(causalCase, MASKS_MEDIUM, { sabotageBlockMap: true, checks: { jsReference: false } })).catch((e: Error) => e);
    result("fault: a wrong block map fails the reference check", !(wrong instanceof Error) && !wrong.ok && wrong.checks.some((x) => x.name === "reference-kernel" && !x.ok),
      wrong instanceof Error ? wrong.message : wrong.checks.map((x) => `${x.name} ${x.ok ? "ok" : "failed"}`).join("; "));
    }

    // ---- 3. benchmarks at B1 H16 S8192 D128 bf16 ----
    const benches: BenchResult[] = [];
    for (const c of PARTS.has("bench") ? CASES : []) {
      try {
        const r = await sup.bench(job(c, BENCH, { checks: { jsReference: false }, timing: TIMING.cli }));
        benches.push(r);
        say(formatBench(r));
        result(`bench ${c.label}`, r.ok, `${r.timing!.ms.toFixed(3)} ms, ${r.timing!.tflops.toFixed(1)} TFLOPS`);
      } catch (e) {
        result(`bench ${c.label}`, false, e instanceof Error ? e.message : String(e));
      }
    }
    saved.benches = benches.map((b) => {
      const c = CASES.find((x) => x.mod === b.mod && x.pair === b.pair)!;
      return { ...b, label: c.label, file: c.file, causal: c.causal === true };
    });

    // ---- 4. the kv-bias sweep ----
    if (PARTS.has("sweep")) try {
      const s: SweepResult = await sup.sweep({ ...job(KV_BIAS, BENCH), checks: { referenceKernel: false, jsReference: false }, timing: TIMING.cli });
      saved.sweep = s;
      say(formatSweep(s));
      // A cell the analysis refuses (e.g. V beyond what it can prove) is a finding, not a failure.
      const refused = s.cells.filter((c) => c.error?.kind === "analysis");
      const bad = s.cells.filter((c) => (c.error && c.error.kind !== "analysis") || (c.result && !c.result.ok));
      for (const c of refused) say(`  sweep cell V=${c.vec} align=${c.align} not run: ${c.error!.message}`);
      result("sweep kv-bias", bad.length === 0 && s.cells.some((c) => c.result), bad.map((c) => `V=${c.vec}/${c.align}: ${c.error ? c.error.message : c.result!.checks.filter((x) => !x.ok).map((x) => x.detail).join("; ")}`).join(" | ") || `${s.cells.filter((c) => c.result).length} cells ran, ${refused.length} refused by the analysis`);
    } catch (e) {
      result("sweep kv-bias", false, e instanceof Error ? e.message : String(e));
    }
  } finally {
    sup.dispose();
    writeFileSync(join(out, "runner.json"), JSON.stringify({ ...saved, passed, failed }, null, 1));
  }
}

interface FlexFile { checks: { label: string; ok: boolean; detail: string }[]; bench: { label: string; flex_ms: number | null; sdpa_ms: number | null; causal: boolean; error?: string }[]; torch: string }

function report(out: string): void {
  const runnerPath = join(out, "runner.json");
  if (!existsSync(runnerPath)) { result("runner suite", false, `${runnerPath} missing (the run part did not finish)`); return; }
  const runner = JSON.parse(readFileSync(runnerPath, "utf8")) as { benches?: (BenchResult & { label: string })[]; passed: number; failed: number; device?: { name: string }; date: string };
  passed = runner.passed; failed = runner.failed;
  if (!runner.device) return;  // no GPU: nothing else ran
  const flexPath = join(out, "flex.json");
  const flex: FlexFile | null = existsSync(flexPath) ? JSON.parse(readFileSync(flexPath, "utf8")) as FlexFile : null;
  if (!flex) result("flex cross-check", false, "flex.json missing (flex_check.py did not run)");
  for (const c of flex?.checks ?? []) result(`flex cross-check ${c.label}`, c.ok, c.detail);
  const flops = (causal: boolean) => 4 * BENCH.B * BENCH.H * BENCH.Q * BENCH.KV * BENCH.D * (causal ? 0.5 : 1);
  const tf = (ms: number | null | undefined, causal: boolean) => (ms ? (flops(causal) / (ms * 1e-3) / 1e12).toFixed(0) : "-");
  const rows = [["mod", "kernel", "V", "skipped", "ours ms", "ours TFLOPS", "vs none", "Flex ms", "Flex TFLOPS", "SDPA TFLOPS", "vs Flex", "vs SDPA"]];
  const none = runner.benches?.find((b) => b.label === "none")?.timing?.ms;
  for (const b of runner.benches ?? []) {
    const f = flex?.bench.find((x) => x.label === b.label);
    const causal = b.label.includes("causal");
    const ms = b.timing!.ms;
    rows.push([b.label, b.kernel ?? "mma", String(b.vec), b.blockSparsity ? `${(100 * b.blockSparsity.sparsity).toFixed(1)}% ${b.blockSparsity.proof}` : "-", ms.toFixed(3), tf(ms, causal), none && !causal && b.label !== "none" && !b.blockSparsity?.sparsity ? `+${((ms / none - 1) * 100).toFixed(0)}%` : "-",
      f?.flex_ms?.toFixed(3) ?? (f?.error ? "err" : "-"), tf(f?.flex_ms, causal), tf(f?.sdpa_ms, causal),
      f?.flex_ms ? `${(f.flex_ms / ms).toFixed(2)}x` : "-", f?.sdpa_ms ? `${(f.sdpa_ms / ms).toFixed(2)}x` : "-"]);
  }
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  if (!runner.benches?.length) { writeFileSync(join(out, "report.txt"), log.join("\n") + "\n"); return; }
  say(`\nB${BENCH.B} H${BENCH.H} S${BENCH.Q} D${BENCH.D} bf16 on ${runner.device!.name}, ${runner.date}; Flex/SDPA measured in the same run (${flex?.torch ?? "no torch"})`);
  for (const r of rows) say(r.map((x, i) => x.padStart(w[i]!)).join("  "));
  writeFileSync(join(out, "report.txt"), log.join("\n") + "\n");
}

async function main(): Promise<void> {
  const [cmd, dir] = process.argv.slice(2);
  const out = resolve(dir ?? "artifacts/gpu");
  if (cmd === "run") await runAll(out);
  else if (cmd === "report") report(out);
  else { console.error("usage: gpu-tests.js run|report OUTDIR"); process.exit(2); }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
void main();
