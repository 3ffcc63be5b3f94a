// Text renderings of runner results, shared by `scoremod bench` and the GPU test report.
import type { BenchResult, SweepResult } from "./types";
import type { SpeedStep } from "./speedStep";
import { formatCost, formatPct, type VsNone } from "./modCost";

export { formatPct } from "./modCost";

export function fmtShape(s: BenchResult["shape"]): string {
  return `B${s.B} H${s.H}${s.Hkv !== s.H ? `/${s.Hkv}` : ""} Q${s.Q} KV${s.KV} D${s.D}`;
}

/** The runner's kernels as results name them: short (CodeLens) and long (reports). */
export const KERNEL_LABELS: Record<BenchResult["kernel"], { short: string; long: string }> = {
  wgmma: { short: "Hopper kernel", long: "Hopper kernel (wgmma, TMA, warp-specialised)" },
  mma: { short: "portable kernel", long: "portable kernel (mma.sync)" },
};

export function formatBench(r: BenchResult): string {
  const lines: string[] = [];
  const t = r.timing;
  lines.push(`${r.mod}${r.pair ? ` + ${r.pair}` : ""}  V=${r.vec}  ${fmtShape(r.shape)} ${r.dtype}  on ${r.device}, ${KERNEL_LABELS[r.kernel].long}, ${r.tile.q}x${r.tile.kv} tiles${r.persistentBlocks !== undefined ? `, ${r.persistentBlocks} persistent blocks` : ""}`);
  if (r.kernelNote) lines.push(`  note: ${r.kernelNote}`);
  const fp = r.floatPositions;
  if (fp) {
    const what = fp.sites.join(", ");
    lines.push(fp.used
      ? `  positions: ${what} from exact float positions (Q + KV <= ${fp.limit.toLocaleString("en-US")})`
      : `  positions: ${what} cast from int (Q + KV is past ${fp.limit.toLocaleString("en-US")}, where float positions stop being exact)`);
  }
  const ring = r.auxRing;
  if (ring) lines.push(`  aux ring: ${ring.stages} stages of ${ring.stageBytes.toLocaleString("en-US")} B in shared memory${ring.qInRegisters ? " (Q held in registers: its shared memory is the last stage)" : ""}, filled by the producer warps ahead of the softmax`);
  const sources = Object.entries(r.auxSources ?? {});
  const generated = sources.filter(([, src]) => src === "generated").map(([t]) => t);
  if (generated.length < sources.length) {
    lines.push(`  aux data: ${sources.filter(([, src]) => src !== "generated").map(([t, src]) => `${t} from ${src}`).join(", ")}${generated.length ? `; generated: ${generated.join(", ")}` : ""}`);
  }
  lines.push(`  compile: ${r.compile.compiler}, ${r.compile.registers} registers, spills ${r.compile.spillStores}/${r.compile.spillLoads} B (store/load), local ${r.compile.localBytes} B, ${r.compile.compileMs} ms`);
  const bs = r.blockSparsity;
  if (bs) {
    lines.push(`  block map: ${bs.tileQ}x${bs.tileKv} tiles, ${bs.empty} empty (skipped), ${bs.full} full (no mask), ${bs.partial} partial of ${bs.tiles}: sparsity ${(100 * bs.sparsity).toFixed(1)}%, ${bs.proof === "static" ? "proven by the analysis" : "classified on the GPU from the aux data"}${bs.prepassMs !== undefined ? ` (pre-pass ${bs.prepassMs.toFixed(3)} ms, not timed below)` : ""}`);
  }
  if (t) {
    const tf = bs && bs.sparsity > 0 ? `${t.tflops.toFixed(1)} TFLOPS on the tiles computed, ${t.tflopsDense.toFixed(1)} dense-equivalent` : `${t.tflops.toFixed(1)} TFLOPS`;
    const warm = t.warmup !== undefined ? `, after ${t.warmup} warm-up ${t.vsNone ? "rounds" : "launches"}${t.warmupMs ? ` (${t.warmupMs} ms or more: the card's steady clock)` : ""}` : "";
    lines.push(`  time: ${t.ms.toFixed(3)} ms median of ${t.reps} (min ${t.msMin.toFixed(3)}, max ${t.msMax.toFixed(3)}, ${t.inputSets} input sets${warm})  ${tf}  aux ${(t.auxBytesPerSec / 1e9).toFixed(1)} GB/s`);
    if (t.step) lines.push(`  ${formatStep(t.step, t.reps)}`);
    if (t.vsNone) lines.push(`  ${formatVsNone(r)}`);
  }
  if (r.bounds?.length) {
    const n = (v: string) => r.bounds!.filter((b) => b.verdict === v).length;
    lines.push(`  index safety: ${n("proven")} of ${r.bounds.length} aux loads proven in range at this shape${n("obligation") ? `; ${n("obligation")} not provable (${r.bounds.filter((b) => b.verdict === "obligation").map((b) => b.text).join(", ")}), checked by the bounds-checked build` : ""}`);
  }
  for (const c of r.checks) lines.push(`  ${c.skipped ? "skip" : c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.skipped ?? c.detail}`);
  const bad = r.obligations.filter((o) => !o.ok);
  const st = r.phases.stages;
  lines.push(`  wall: ${Object.entries(st).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")} ms; ${r.phases.outsideMs.toFixed(0)} ms outside compilation and timing`);
  lines.push(`  obligations: ${r.obligations.length - bad.length}/${r.obligations.length} hold${bad.length ? ` (failing: ${bad.map((o) => o.text).join(", ")})` : ""}`);
  return lines.join("\n");
}

/** The FA4-PR-style table: rows = align, columns = V, cells = TFLOPS (or why not). */
export function formatSweep(s: SweepResult): string {
  const vecs = [...new Set(s.cells.map((c) => c.vec))];
  const aligns = [...new Set(s.cells.map((c) => String(c.align)))];
  const head = ["align \\ V", ...vecs.map(String)];
  const rows = aligns.map((a) => [a === "elem" ? "elem" : `${a} B`, ...vecs.map((v) => {
    const c = s.cells.find((x) => x.vec === v && String(x.align) === a);
    if (!c) return "";
    if (c.error) return `err:${c.error.kind}`;
    const r = c.result!;
    return `${r.timing ? r.timing.tflops.toFixed(0) : "-"}${r.kernel === "mma" ? "p" : ""}${r.ok ? "" : "!"}${r.compile.spillStores ? "s" : ""}${r.timing?.step ? "~" : ""}`;
  })]);
  const widths = head.map((_, i) => Math.max(head[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => x.padStart(widths[i]!)).join("  ");
  return [`sweep ${s.mod} (${fmtShape(s.shape)}) on ${s.device}: TFLOPS ("p" = ran on the portable kernel, "!" = a check failed, "s" = spills, "~" = the reps ran at two speeds)`, line(head), ...rows.map(line)].join("\n");
}

/** A no-mod baseline (vsNone's, Flex's in --compare) is the dense problem when the run had a block map (a mask's). */
export const denseBaseline = (r: BenchResult): boolean => r.blockSparsity !== undefined;

/** vsNone's baseline: "no mod 0.843 ms (the same kernel on the dense problem at its own 128x176 tiles)". */
export function describeBaseline(r: BenchResult, v: VsNone): string {
  const dense = denseBaseline(r);
  const tiles = v.tile.kv !== r.tile.kv || v.tile.q !== r.tile.q ? ` at its own ${v.tile.q}x${v.tile.kv} tiles` : "";
  return `no mod ${v.ms.toFixed(3)} ms (the same kernel${dense ? " on the dense problem" : ""}${tiles})`;
}

/** The cost in a few words, for a lens: "+5.2% vs no mod", "-40.1% vs dense no mod". */
export function formatVsNoneShort(r: BenchResult): string {
  return `${formatPct(r.timing!.vsNone!.ratio)} vs ${denseBaseline(r) ? "dense " : ""}no mod`;
}

/** What the mod costs over the same kernel with no mod (BenchJob.vsNone), from alternated launches. */
export function formatVsNone(r: BenchResult): string {
  const v = r.timing!.vsNone!;
  return `vs no mod: ${formatCost(v)}; ${describeBaseline(r, v)}, its launches alternated with these`;
}

/** A run whose reps ran at two speeds: where the step fell, and that the median mixes both. */
export function formatStep(st: SpeedStep, reps: number): string {
  const pct = ((st.after / st.before - 1) * 100).toFixed(1);
  return `two speeds: reps 1-${st.at} at ${st.before.toFixed(3)} ms, reps ${st.at + 1}-${reps} at ${st.after.toFixed(3)} ms (${st.after >= st.before ? "+" : ""}${pct}%); the GPU changed speed mid-run (its clock or power state), so the median above mixes both`;
}
