// The `scoremod.*` settings as the client uses them, read through a getter so the defaults and
// validation are testable without VS Code.
import { DEFAULT_TARGET, isTargetId, type TargetId } from "scoremod-server/protocol";
import type { ServerSettings } from "scoremod-server/protocol";

export type Get = <T>(key: string) => T | undefined;

export interface Problem { batch: number; heads: number; seqLen: number; headDim: number; causal: boolean }
export type AlignSpec = "elem" | number;

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
}

const posInt = (v: unknown, d: number, max = Number.MAX_SAFE_INTEGER): number =>
  typeof v === "number" && Number.isInteger(v) && v >= 1 ? Math.min(v, max) : d;

export function readClientSettings(get: Get, trusted: boolean): ClientSettings {
  const target = get<string>("target");
  const vecs = (get<unknown[]>("sweep.vecSizes") ?? []).filter((v): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 128);
  const aligns = (get<unknown[]>("sweep.aligns") ?? []).filter((a): a is AlignSpec => a === "elem" || (typeof a === "number" && a >= 1 && (a & (a - 1)) === 0));
  const str = (k: string): string => (typeof get<unknown>(k) === "string" ? (get<string>(k) as string) : "");
  return {
    target: typeof target === "string" && isTargetId(target) ? target : DEFAULT_TARGET,
    inlayHints: get<boolean>("inlayHints.enabled") !== false,
    previewFixes: get<boolean>("previewFixes") === true,
    docsBaseUrl: str("docsBaseUrl"),
    problem: {
      batch: posInt(get("problem.batch"), 1),
      heads: posInt(get("problem.heads"), 16),
      seqLen: posInt(get("problem.seqLen"), 8192),
      headDim: get<number>("problem.headDim") === 64 ? 64 : 128,
      causal: get<boolean>("problem.causal") === true,
    },
    sweep: {
      vecSizes: vecs.length ? [...new Set(vecs)].sort((a, b) => a - b) : [1, 2, 4, 8, 16, 32, 64, 128],
      aligns: aligns.length ? aligns : ["elem", 4, 8, 16],
    },
    runnerTimeoutMs: posInt(get("runner.timeoutMs"), 120_000),
    // Restricted mode: paths that choose binaries are ignored in untrusted workspaces.
    cudaHome: trusted ? str("cuda.home") : "",
    nvccPath: trusted ? str("cuda.nvccPath") : "",
    heatMapSize: posInt(get("heatMap.size"), 64, 256),
  };
}

/** What the server gets (initializationOptions and didChangeConfiguration). */
export function serverSettings(s: ClientSettings, trusted: boolean): ServerSettings & { previewFixes: boolean } {
  const nvcc = s.nvccPath || (s.cudaHome ? `${s.cudaHome.replace(/\/+$/, "")}/bin/nvcc` : "");
  const p = s.problem;
  return {
    target: s.target, inlayHints: s.inlayHints, docsBaseUrl: s.docsBaseUrl, nvccPath: nvcc, previewFixes: s.previewFixes, trusted,
    problem: { B: p.batch, H: p.heads, Q: p.seqLen, KV: p.seqLen },
  };
}
