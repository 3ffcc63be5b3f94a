// The `scoremod.*` settings as the client uses them, read through a getter so the defaults and
// validation are testable without VS Code. Keys, types, defaults and bounds come from the manifest
// (settings.generated.ts, by scripts/gen-settings.mjs): an invalid value reads as the default.
import { isTargetId, type TargetId } from "scoremod-server/protocol";
import type { ServerSettings } from "scoremod-server/protocol";
import { BOUNDS, DEFAULTS, type SettingKey, type Settings } from "./settings.generated";

/** Reads one setting as VS Code has it (any JSON: users edit settings.json by hand). */
export type Get = (key: SettingKey) => unknown;

export interface Problem { batch: number; heads: number; seqLen: number; headDim: number }
export type AlignSpec = "elem" | number;
/** The language server's protocol trace (serverTrace.ts). */
export type TraceSetting = "off" | "messages" | "verbose";

export interface ClientSettings {
  target: TargetId;
  inlayHints: boolean;
  previewFixes: boolean;
  docsBaseUrl: string;
  problem: Problem;
  sweep: { vecSizes: number[]; aligns: AlignSpec[] };
  runnerTimeoutMs: number;
  cudaHome: string;
  nvccPath: string;
  heatMapSize: number;
  traceServer: TraceSetting;
}

/** An integer setting within the manifest's bounds (values above the maximum are clamped to it). */
function int(get: Get, k: SettingKey & { [K in SettingKey]: Settings[K] extends number ? K : never }[SettingKey]): number {
  const v = get(k), b = BOUNDS[k] ?? {};
  if (typeof v !== "number" || !Number.isInteger(v) || v < (b.minimum ?? -Infinity)) return DEFAULTS[k];
  return Math.min(v, b.maximum ?? Infinity);
}

function traceOf(v: unknown): TraceSetting {
  return v === "messages" || v === "verbose" ? v : "off";
}

export function readClientSettings(get: Get, trusted: boolean): ClientSettings {
  const target = get("target");
  const list = (k: "sweep.vecSizes" | "sweep.aligns"): unknown[] => { const v = get(k); return Array.isArray(v) ? v : []; };
  const vecs = list("sweep.vecSizes").filter((v): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 128);
  const aligns = list("sweep.aligns").filter((a): a is AlignSpec => a === "elem" || (typeof a === "number" && a >= 1 && (a & (a - 1)) === 0));
  const str = (k: "docsBaseUrl" | "cuda.home" | "cuda.nvccPath"): string => { const v = get(k); return typeof v === "string" ? v : DEFAULTS[k]; };
  const bool = (k: "inlayHints.enabled" | "previewFixes"): boolean => { const v = get(k); return typeof v === "boolean" ? v : DEFAULTS[k]; };
  return {
    target: typeof target === "string" && isTargetId(target) ? target : DEFAULTS.target,
    inlayHints: bool("inlayHints.enabled"),
    previewFixes: bool("previewFixes"),
    docsBaseUrl: str("docsBaseUrl"),
    problem: {
      batch: int(get, "problem.batch"),
      heads: int(get, "problem.heads"),
      seqLen: int(get, "problem.seqLen"),
      headDim: get("problem.headDim") === 64 || get("problem.headDim") === 128 ? get("problem.headDim") as number : DEFAULTS["problem.headDim"],
    },
    sweep: {
      vecSizes: vecs.length ? [...new Set(vecs)].sort((a, b) => a - b) : DEFAULTS["sweep.vecSizes"],
      aligns: aligns.length ? aligns : DEFAULTS["sweep.aligns"] as AlignSpec[],
    },
    runnerTimeoutMs: int(get, "runner.timeoutMs"),
    // Restricted mode: paths that choose binaries are ignored in untrusted workspaces.
    cudaHome: trusted ? str("cuda.home") : "",
    nvccPath: trusted ? str("cuda.nvccPath") : "",
    heatMapSize: int(get, "heatMap.size"),
    traceServer: traceOf(get("trace.server")),
  };
}

/** What the server gets (initializationOptions and didChangeConfiguration). */
export function serverSettings(s: ClientSettings): ServerSettings & { previewFixes: boolean } {
  const nvcc = s.nvccPath || (s.cudaHome ? `${s.cudaHome.replace(/\/+$/, "")}/bin/nvcc` : "");
  const p = s.problem;
  return {
    target: s.target, inlayHints: s.inlayHints, docsBaseUrl: s.docsBaseUrl, nvccPath: nvcc, previewFixes: s.previewFixes,
    problem: { B: p.batch, H: p.heads, Q: p.seqLen, KV: p.seqLen },
  };
}
