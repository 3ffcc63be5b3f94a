// `scoremod bench FILE [--mod NAME] [--pair NAME] [--vec V] [--kernel K] [--compare] [--vs-none] [--sweep] [--shape ...] [--aux T=PATH] [--dim N=V] [--scalar N=V] [--json]`:
// run and check mods on the GPU through the supervised runner process (--compare: beside
// FlexAttention and SDPA on the same inputs, benchCompare.ts). Without a usable GPU it
// runs the analysis, prints what it would run and why it skipped the GPU part, and exits 0.
// Exit: 0 all checks passed (or GPU skipped), 1 a check failed or a run failed, 2 bad usage.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FileAnalysis, ModFact } from "../analysis/facts";
import { analyzeInBudget as analyze, sharedAnalysis } from "../budget/budgetedAnalysis"; // TypeScript under a time and memory budget
import { exportFlex } from "../codegen/exportFlex";
import { RunnerSupervisor } from "../runner/supervisor";
import { BENCH_WORKER_ENV } from "../runner/spawnWorker";
import { benchDiagnosed, probeNative } from "../runner/index";
import { mark, markStart } from "../runner/timeline";
import { formatBench, formatSweep } from "../runner/format";
import { RunnerError, TIMING, type BenchJob, type BenchResult, type Shape, type SweepResult } from "../runner/types";
import { EXIT, UsageError, parseArgs, processIo, readSourceFile, reportUsageError, singleFile, vecFlag, type Io } from "./args";
import { GenerationBlocked, selectMods } from "./modSelect";
import { formatCompare, isExactlyCausal, runPeers, type PeerResult } from "./benchCompare";
import { BenchProgress } from "./progress";
import { checkRunInputs, type RunInputs } from "./runInputs";
import { parseSeqlens } from "scoremod/varlen";

const SPEC = { mod: "string", pair: "string", vec: "int", dtype: "string", sweep: "boolean", shape: "string", json: "boolean", reps: "int", timeout: "int", kernel: "string", compare: "boolean", "vs-none": "boolean", progress: "boolean", aux: "list", dim: "list", scalar: "list", seqlens: "string", help: "boolean" } as const;
const USAGE = `usage: scoremod bench FILE [--mod NAME] [--pair NAME] [--vec V] [--dtype bf16|f16] [--kernel auto|wgmma|mma] [--compare] [--vs-none] [--sweep] [--shape B,H,Q,KV,D[,Hkv]] [--aux T=PATH]... [--dim N=V]... [--scalar N=V]... [--seqlens L,L,...|N@SEED] [--json]
  --mod NAME      the mod to run (default: every mod in the file, one by one)
  --pair NAME     run --mod together with this mod of the file (a mask with a score mod)
  --vec V         override the mod's vecSize
  --dtype T       Q/K/V/O element type: bf16 (default) or f16
  --sweep         V in {1..128} x align in {elem, 4, 8, 16}: TFLOPS table
  --shape ...     problem size (default 1,16,8192,8192,128)
  --aux T=PATH    aux tensor T reads the user's data from PATH instead of generated samples: a .npy
                  or .safetensors file (file.safetensors:KEY picks a tensor; without KEY, the one
                  named T, else the only one) whose dtype is T's and shape T's at this problem;
                  repeatable, paths relative to the current directory
  --dim N=V       size of the file's own dim N (any dim but B, H, Q, KV and the totals): each
                  one the file uses must be given; repeatable or N=V,M=W
  --scalar N=V    value of scalar N (default: its declared default); repeatable or N=V,M=W
  --seqlens ...   a varlen batch (docs/varlen.md): the sequences' lengths (1024,3000,4168), or N@SEED
                  for N random lengths up to --shape's Q; B, Q and KV then follow from them (the
                  count and the longest), and the kernel runs them packed
  --reps N        timed repetitions (default 50)
  --kernel K      auto (default: the Hopper kernel on sm_90 for V <= 2, else the portable one),
                  wgmma (the Hopper kernel or an error) or mma (the portable kernel)
  --timeout S     watchdog: seconds without progress before the runner is killed (default 120)
  --compare       also run torch.compile(flex_attention) with the Flex export, and SDPA, on the
                  same inputs (python3 with torch and triton): agreement check and one table;
                  and the same kernel and Flex with no mod: what the mods cost in each
  --vs-none       also time the same kernel with no mod (a mask: the dense problem), its launches
                  alternated one by one with the mod's (immune to the GPU changing speed mid-run),
                  and print what the mod costs: the median of the pairs' ratios, and their quartiles
  --json          machine-readable output (a sweep's: docs/schemas/sweep.schema.json)
  --progress      [k/N] counters on stderr (mods of the file, cells of a sweep); default: on a terminal
exit: 0 checks passed (or no GPU: analysis only), 1 a check or run failed, 2 bad usage
`;
export const DEFAULT_SHAPE: Shape = { B: 1, H: 16, Q: 8192, KV: 8192, D: 128 };

/** `--seqlens`: self-attention sequences (the same lengths for queries and keys). */
export function parseSeqlensFlag(text: string, maxLen: number): { q: number[]; kv: number[] } {
  let lengths: number[];
  try {
    lengths = parseSeqlens(text, maxLen);
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^varlen: /, "--seqlens: "));
  }
  return { q: lengths, kv: lengths };
}

export function parseShape(s: string): Shape {
  const parts = s.split(",").map((x) => x.trim());
  if ((parts.length !== 5 && parts.length !== 6) || parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) {
    throw new UsageError(`--shape needs B,H,Q,KV,D or B,H,Q,KV,D,Hkv as positive integers, got '${s}'`);
  }
  // Each size is a kernel launch dimension or an int32 index in the kernels: cap at 2^31 - 1.
  const big = parts.find((p) => !Number.isSafeInteger(Number(p)) || Number(p) > 0x7fffffff);
  if (big !== undefined) throw new UsageError(`--shape: ${big} is too large (each size must be below 2^31)`);
  const [B, H, Q, KV, D, Hkv] = parts.map(Number) as [number, number, number, number, number, number | undefined];
  if (D !== 64 && D !== 128) throw new UsageError(`--shape: head dim D must be 64 or 128, got ${D}`);
  if (Hkv !== undefined && H % Hkv !== 0) throw new UsageError(`--shape: Hkv = ${Hkv} must divide H = ${H}`);
  return Hkv === undefined ? { B, H, Q, KV, D } : { B, H, Q, KV, D, Hkv };
}

const KERNELS = ["auto", "wgmma", "mma"] as const;
function parseKernel(k: string | undefined): (typeof KERNELS)[number] {
  const found = KERNELS.find((x) => x === (k ?? "auto"));
  if (!found) throw new UsageError(`--kernel must be auto, wgmma or mma, got '${k}'`);
  return found;
}

interface Plan { mods: ModFact[]; shape: Shape; dtype: "bf16" | "f16"; vec?: number; sweep: boolean; pair?: string; inputs: RunInputs }

function describePlan(file: string, fa: FileAnalysis, p: Plan): string[] {
  const s = p.shape;
  return p.mods.map((m) => `${p.sweep ? "sweep" : "bench"} ${m.name} (${m.kind} mod, ${p.sweep ? "V in {1..128} x align in {elem, 4, 8, 16}" : `V=${p.vec ?? m.vecSize}`}${p.pair ? `, with ${p.pair}` : ""}) on B${s.B} H${s.H} Q${s.Q} KV${s.KV} D${s.D} ${p.dtype}: ${m.loads.length} aux load(s)${m.loads.length ? ": " + m.loads.map((l) => `${l.text} ${l.class} ${l.widthBytes} B`).join(", ") : ""}`)
    .concat(Object.entries(p.inputs.auxFiles ?? {}).map(([t, path]) => `aux ${t}: the user's data from ${path}`))
    .concat(fa.diagnostics.filter((d) => d.severity === "warning").map((d) => `warning ${file}:${d.range.start.line + 1}: ${d.message}`));
}

export async function run(argv: string[], io: Io = processIo): Promise<number> {
  let json = false;
  let sup: RunnerSupervisor | null = null;
  try {
    const { positional, flags } = parseArgs(argv, SPEC);
    if (flags.help) { io.out(USAGE); return EXIT.ok; }
    json = flags.json === true;
    const file = singleFile(positional);
    const vec = vecFlag(flags.vec, 128);
    const shape = { ...(flags.shape ? parseShape(flags.shape) : DEFAULT_SHAPE) };
    if (flags.dtype !== undefined && flags.dtype !== "bf16" && flags.dtype !== "f16") throw new UsageError(`--dtype must be bf16 or f16, got '${flags.dtype}'`);
    const dtype: "bf16" | "f16" = flags.dtype ?? "bf16";
    const kernel = parseKernel(flags.kernel);
    if (flags.reps !== undefined && (flags.reps < 1 || flags.reps > 100_000)) throw new UsageError(`--reps must be between 1 and 100000, got ${flags.reps}`);
    if (flags.timeout !== undefined && (flags.timeout < 1 || flags.timeout > 86_400)) throw new UsageError(`--timeout must be between 1 and 86400 seconds, got ${flags.timeout}`);
    markStart("cli");
    const text = readSourceFile(file);
    // Start-up work in parallel: the runner process starts, probes the driver, makes its context
    // and begins the first bench's analyses and compiles while this process analyses the file in
    // its analysis thread. Without a GPU the runner says why in its probe. (Loading TypeScript
    // here only after the runner started made the CLI's own analysis, then the longest of the
    // two, finish later: the analysis thread started later. Measured; BENCHMARKS.md.)
    let onProgress: ((stage: string, detail?: string) => void) | undefined;
    sup = new RunnerSupervisor({ idleLimitMs: (flags.timeout ?? 120) * 1000, onProgress: (st, d) => onProgress?.(st, d), env: BENCH_WORKER_ENV });
    // (Not for a sweep, nor a varlen batch, whose shape is known only after the analysis.)
    const ahead = flags.sweep || flags.seqlens !== undefined ? undefined : { fileName: file, text, mod: flags.mod, pair: flags.pair, shape, dtype, kernel, vec };
    // A runner that cannot start (no worker bundle, say): this process's own probe says whether
    // there is a GPU; with one, the first bench starts a runner again and reports why it fails.
    const probing = sup.probe(true, ahead).catch(() => probeNative());
    sharedAnalysis();
    const fa = analyze(file, text, { target: "runner-sm90", vecSize: vec });
    mark("cli: analysed");
    const probe = await probing;
    let mods: ModFact[];
    try {
      mods = selectMods(fa, file, flags.mod);
    } catch (e) {
      if (!(e instanceof GenerationBlocked)) throw e;
      io.err(`scoremod bench: ${e.message}\n`);
      if (json) io.out(JSON.stringify({ file, error: e.message }) + "\n");
      return EXIT.errors;
    }
    if (flags.pair !== undefined) {
      if (!flags.mod) throw new UsageError("--pair needs --mod");
      if (!fa.mods.some((m) => m.name === flags.pair)) throw new UsageError(`${file}: no mod named '${flags.pair}' (mods: ${fa.mods.map((m) => m.name).join(", ")})`);
    }
    const inputs = checkRunInputs(fa, file, flags, io.cwd ?? process.cwd());
    const seqlens = flags.seqlens !== undefined ? parseSeqlensFlag(flags.seqlens, shape.Q) : undefined;
    if (seqlens) {
      const lengths = seqlens.q;
      Object.assign(shape, { B: lengths.length, Q: Math.max(...lengths), KV: Math.max(...seqlens.kv) });
      Object.assign(inputs, { seqlens });
    }
    const plan: Plan = { mods, shape, dtype, vec, sweep: flags.sweep === true, pair: flags.pair, inputs };
    const compare = flags.compare === true;
    if (compare && plan.sweep) throw new UsageError("--compare runs one configuration; it does not combine with --sweep");
    // --compare reports the mods' cost too, from the same alternated timing.
    const vsNone = compare || flags["vs-none"] === true;
    if (vsNone && plan.sweep) throw new UsageError("--vs-none runs one configuration; it does not combine with --sweep");

    if (!probe.ok) {
      const why = `${probe.reason}: ${probe.detail}`;
      if (json) io.out(JSON.stringify({ file, plan: describePlan(file, fa, plan), gpu: { skipped: true, reason: probe.reason, detail: probe.detail } }, null, 2) + "\n");
      else io.out(`${describePlan(file, fa, plan).join("\n")}\nGPU part skipped (${why})${compare ? ", and with it the FlexAttention/SDPA comparison" : ""}; the analysis above ran, nothing was launched.\n`);
      return EXIT.ok;
    }

    const progress = new BenchProgress(io, { mods: mods.length, asked: flags.progress === true, json });
    onProgress = progress.onProgress;
    const runner = sup;  // disposed by the finally below
    const results: (BenchResult | SweepResult | (BenchResult & { peers: PeerResult }) | { mod: string; error: RunnerError["info"] })[] = [];
    let failed = false;
    for (const m of mods) {
      progress.startMod(m.name, plan.sweep ? "sweep" : "bench");
      const job = { fileName: file, text, mod: m.name, pair: plan.pair, shape, dtype, kernel, timing: { ...TIMING.cli, reps: flags.reps ?? TIMING.cli.reps }, ...(vsNone ? { vsNone } : {}), ...inputs };
      try {
        if (plan.sweep) {
          const r = await runner.sweep({ ...job, checks: { referenceKernel: false, jsReference: false } });
          results.push(r);
          failed ||= r.cells.some((c) => c.error || !c.result?.ok);
          if (!json) io.out(formatSweep(r) + "\n");
        } else if (compare) {
          // Our run dumps its inputs and output; the Python half reuses them (same inputs).
          const dumpDir = mkdtempSync(join(tmpdir(), "scoremod-compare-"));
          try {
            const r = await benchDiagnosed(runner, { ...job, vec, dumpDir });
            if (!json) io.out(formatBench(r) + "\n");
            if (!json) io.err("  .. compare: torch.compile(flex_attention) and SDPA on the same inputs\n");
            // SDPA's is_causal is a fair peer only for a mask that is exactly causal.
            const maskMod = [m.name, plan.pair].map((n) => fa.mods.find((x) => x.name === n)).find((x) => x?.kind === "mask");
            const peers = runPeers(dumpDir, exportFlex(fa).text, maskMod !== undefined && isExactlyCausal(maskMod), job.timing.warmupMs ?? 0);
            results.push({ ...r, peers });
            failed ||= !r.ok || !peers.ok;
            if (!json) io.out(formatCompare(r, peers, true) + "\n");
          } finally {
            rmSync(dumpDir, { recursive: true, force: true });
          }
        } else {
          mark(`cli: bench ${m.name} sent`);
          const r = await benchDiagnosed(runner, { ...job, vec });
          mark(`cli: bench ${m.name} answered`);
          results.push(r);
          failed ||= !r.ok;
          if (!json) io.out(formatBench(r) + "\n");
        }
      } catch (e) {
        if (!(e instanceof RunnerError)) throw e;
        failed = true;
        results.push({ mod: m.name, error: e.info });
        if (!json) io.out(`${m.name}: ${e.info.kind}: ${e.message}\n`);
      }
    }
    if (json) io.out(JSON.stringify({ file, results }, null, 2) + "\n");
    mark("cli: results written");
    return failed ? EXIT.errors : EXIT.ok;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return reportUsageError("bench", err, io, USAGE, json);
  } finally {
    sup?.dispose();
  }
}
