// Whether this machine can run mods, from the runner's one probe: the `scoremod.gpuAvailable`
// context key (Benchmark/Sweep commands and lenses), the status bar, and the words that say why
// not and how to run on a GPU box instead. Pure: no `vscode`, so it is unit-tested as is.
import type { ProbeResult, RunnerErrorInfo } from "scoremod-server/runner/types";

/** The runner's kernels need mma.sync with bf16 (sm_80, Ampere) or newer. */
export const MIN_SM = 80;

export type ProbeOutcome = { ok: true; value: ProbeResult } | { ok: false; error: RunnerErrorInfo };

export interface GpuAvailability {
  available: boolean;
  /** Short, for the status bar and the lens: "NVIDIA H100 (sm_90)" or "No GPU: no CUDA driver". */
  label: string;
  /** Why not, with the probe's details (empty when available). */
  reason: string;
}

const WHY: Record<string, string> = {
  "no-addon": "runner addon not built", "no-platform": "no runner for this platform", "no-driver": "no CUDA driver", "no-device": "no CUDA device", "no-nvrtc": "no NVRTC",
};

export function gpuAvailability(r: ProbeOutcome): GpuAvailability {
  if (!r.ok) return { available: false, label: "No GPU: runner unavailable", reason: `The runner process failed to start: ${r.error.message}` };
  const p = r.value;
  if (!p.ok) return { available: false, label: `No GPU: ${WHY[p.reason] ?? p.reason}`, reason: p.detail || (WHY[p.reason] ?? p.reason) };
  const usable = p.devices.filter((d) => d.sm >= MIN_SM);
  const names = (ds: typeof p.devices) => ds.map((d) => `${d.name} (sm_${d.sm})`).join(", ");
  if (p.devices.length && !usable.length) {
    return { available: false, label: `No GPU: sm_${p.devices[0]!.sm} < sm_${MIN_SM}`, reason: `${names(p.devices)}: the runner's kernels need sm_${MIN_SM} or newer.` };
  }
  return { available: true, label: names(usable) || "GPU", reason: "" };
}

/** "label. reason." as one message, whatever punctuation the probe's detail ends with. */
export function explain(a: GpuAvailability): string {
  const end = (t: string) => (/[.!?]$/.test(t) ? t : `${t}.`);
  return a.reason ? `${end(a.label)} ${end(a.reason)}` : end(a.label);
}

/** How to run a mod elsewhere: the CLI on the GPU machine, or this editor attached to it. */
export function runElsewhereHint(file = "FILE.scoremod.ts", mod?: string): string {
  return `To run it, use a machine with an NVIDIA GPU (sm_${MIN_SM}+, driver and NVRTC): there, in a Score Mod Studio checkout (after \`npm ci\`), \`${benchCommand(file, mod)}\`; or open this folder on that machine with Remote-SSH and install the extension there.`;
}

/** The CLI line that benchmarks `mod` of `file` (a workspace-relative path). */
export function benchCommand(file: string, mod?: string): string {
  const q = (s: string) => (/^[\w./@-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  return `npx scoremod bench ${q(file)}${mod ? ` --mod ${q(mod)}` : ""}`;
}

/** The lines the runner log gets for a probe that found no usable GPU (so "Show Log" shows something). */
export function probeLog(r: ProbeOutcome): string[] {
  const a = gpuAvailability(r);
  if (a.available) return [`[gpu] ${a.label}`];
  const lines = [`[gpu] ${explain(a)}`];
  if (r.ok) {
    const p = r.value;
    lines.push(`[gpu] libcuda: ${p.libcuda ?? "not found"}; driver: ${p.driverVersion || "none"}; NVRTC: ${p.libnvrtc ?? p.nvrtcError ?? "not found"}; nvcc: ${p.nvcc ?? "none"}`);
  }
  lines.push(`[gpu] ${runElsewhereHint()}`);
  return lines;
}
