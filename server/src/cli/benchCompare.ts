// `scoremod bench --compare`: after our kernel ran (and dumped its inputs and output), run the
// project's FlexAttention export through torch.compile(flex_attention) and SDPA on the same
// inputs (runtime/python/compare_flex.py), check that FlexAttention agrees with our output,
// and render one table with ratios.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchResult } from "../runner/types";
import { denseBaseline, describeBaseline, KERNEL_LABELS } from "../runner/format";
import { formatCost } from "../runner/modCost";
import type { ModFact } from "../analysis/facts";
import { classifyTiles, TILE_EMPTY, TILE_FULL } from "../analysis/tiles";

export interface PeerResult {
  ok: boolean;
  error?: string;
  torch?: string;
  flex_ms?: number;
  /** torch.compile(flex_attention) with neither mod on the same inputs: what the mods cost in Flex. */
  flex_none_ms?: number;
  sdpa_ms?: number;
  sdpa_causal?: boolean;
  max_abs?: number;
  rel_l2?: number;
}

export function compareScript(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = [env.SCOREMOD_COMPARE_SCRIPT, join(__dirname, "..", "runtime", "python", "compare_flex.py"),
    join(__dirname, "..", "..", "..", "runtime", "python", "compare_flex.py")];
  return candidates.find((c): c is string => !!c && existsSync(c)) ?? null;
}

/**
 * Runs the Python half on a dump directory that also receives the Flex export. Never throws.
 * `warmupMs`: the peers' warm-up, our run's (TIMING), so both are timed at the card's steady clock.
 */
export function runPeers(dumpDir: string, flexExport: string, causal: boolean, warmupMs: number, env: NodeJS.ProcessEnv = process.env): PeerResult {
  const script = compareScript(env);
  if (!script) return { ok: false, error: "runtime/python/compare_flex.py not found (set SCOREMOD_COMPARE_SCRIPT)" };
  writeFileSync(join(dumpDir, "flex.py"), flexExport);
  const python = env.SCOREMOD_PYTHON ?? "python3";
  const r = spawnSync(python, [script, dumpDir, "--warmup-ms", String(warmupMs), ...(causal ? ["--causal"] : [])], { encoding: "utf8", timeout: 900_000, maxBuffer: 64 << 20 });
  if (r.error) return { ok: false, error: `${python}: ${r.error.message}` };
  const last = (r.stdout ?? "").trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as PeerResult;
  } catch {
    const tail = `${r.stderr ?? ""}${r.stdout ?? ""}`.trim().split("\n").slice(-3).join(" | ");
    return { ok: false, error: `${python} ${script} exited ${r.status ?? r.signal}: ${tail}` };
  }
}

/**
 * Whether a mask is exactly top-left causal (kv <= q), proven per element by the analysis on a
 * 64 x 64 problem with 1 x 1 tiles: then SDPA with is_causal computes the same masking.
 */
export function isExactlyCausal(mask: ModFact): boolean {
  if (mask.kind !== "mask" || mask.loads.length > 0 || !mask.ok) return false;
  const n = 64;
  const g = classifyTiles({ mask }, { B: 1, H: 1, Q: n, KV: n }, { q: 1, kv: 1 }, { dims: {}, scalars: {} });
  if (g.gridsB !== 1 || g.gridsH !== 1) return false;
  for (let q = 0; q < n; q++) for (let kv = 0; kv < n; kv++) if (g.classes[q * n + kv] !== (kv <= q ? TILE_FULL : TILE_EMPTY)) return false;
  return true;
}

/**
 * What the mods cost: the time with them over the time without, in our kernel (BenchJob.vsNone:
 * the same kernel, launches alternated) and in Flex (flex_attention with neither mod). A mask's
 * baseline (a run with a block map) is the dense problem.
 */
export function formatModCost(r: BenchResult, p: PeerResult): string {
  const v = r.timing?.vsNone;
  const oursPart = v ? `ours ${formatCost(v)} over ${describeBaseline(r, v)}, launches alternated with the mod's` : "ours: not measured";
  const flexPart = p.flex_ms && p.flex_none_ms
    ? `Flex ${formatCost({ ratio: p.flex_ms / p.flex_none_ms })} (${denseBaseline(r) ? "dense, " : ""}no mod: ${p.flex_none_ms.toFixed(3)} ms)` : "Flex: not measured";
  return `mod cost, time with / without: ${oursPart}; ${flexPart}`;
}

/** `cost`: add the mods' cost line (formatModCost). */
export function formatCompare(r: BenchResult, p: PeerResult, cost = false): string {
  const s = r.shape;
  // One FLOP count for every row: the dense-equivalent one (all Q x KV pairs), so the
  // ratios are time ratios whatever each implementation skips.
  const flops = 4 * s.B * s.H * s.Q * s.KV * s.D;
  const tf = (ms?: number) => (ms ? (flops / (ms * 1e-3) / 1e12).toFixed(0) : "-");
  const ours = r.timing?.ms;
  const ratio = (ms?: number) => (ours && ms ? `${(ms / ours).toFixed(2)}x` : "-");
  const rows = [
    ["", "ms", "TFLOPS", "their time / ours"],
    [`ours: ${KERNEL_LABELS[r.kernel].long}, V=${r.vec}`, ours?.toFixed(3) ?? "-", tf(ours), "1.00x"],
    ["torch.compile(flex_attention), Flex export", p.flex_ms?.toFixed(3) ?? "-", tf(p.flex_ms), ratio(p.flex_ms)],
    [`SDPA (no mod${p.sdpa_causal ? ", is_causal" : ""})`, p.sdpa_ms?.toFixed(3) ?? "-", tf(p.sdpa_ms), ratio(p.sdpa_ms)],
  ];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((x) => x[i]!.length)));
  const lines = rows.map((x) => x.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join("  "));
  const agree = p.error ? `comparison failed: ${p.error}`
    : `${p.ok ? "agree" : "DISAGREE"}: FlexAttention vs ours on the same inputs, max abs ${p.max_abs?.toExponential(2)}, rel L2 ${p.rel_l2?.toExponential(2)} (tolerance 2e-2 / 1.5e-2)${p.torch ? `; torch ${p.torch}` : ""}`;
  const bs = r.blockSparsity;
  const skipped = bs ? `; ours skips ${(100 * bs.sparsity).toFixed(1)}% of ${bs.tileQ}x${bs.tileKv} tiles (${bs.proof === "static" ? "proven" : "from the data"})` : "";
  const costLine = cost ? [`  ${formatModCost(r, p)}`] : [];
  return [`compare ${r.mod}${r.pair ? ` + ${r.pair}` : ""} on ${r.device} (${s.B}x${s.H}x${s.Q}x${s.KV}, D=${s.D}, ${r.dtype}; dense-equivalent TFLOPS${skipped})`, ...lines.map((l) => `  ${l}`), ...costLine, `  ${agree}`].join("\n");
}
