// The Score Mod Studio extensions to LSP: every custom method, with its params and result,
// documented here next to its type. Imported by both the server (server/src/lsp) and the client
// (client/src); docs/protocol.md describes the same methods for other editors, and
// test/lsp/protocol.test.ts checks that every method below is documented there.
//
// Invariants: all methods are namespaced `scoremod/`; ranges and lines are 0-based (LSP);
// a request never fails with a JSON-RPC error for bad user input, it answers `{ ok: false, error }`.
import { NotificationType, RequestType } from "vscode-languageserver-protocol";
import type { FileAnalysis } from "./analysis/facts";
import type { TargetId } from "./analysis/targets";

export type { FileAnalysis, TargetId };

/** A failure the client shows as is (e.g. "nvcc not found: set scoremod.cudaPath"). */
export interface Failure { ok: false; error: string }

// ---- scoremod/analysis -------------------------------------------------------------------
/** Request (client -> server): the analysis facts of an open document, for the current target. */
export interface AnalysisParams { uri: string }
export interface AnalysisResult {
  /** The document version the facts were computed from (-1 when the document is not open). */
  version: number;
  analysis: FileAnalysis | null;
}
export const AnalysisRequest = new RequestType<AnalysisParams, AnalysisResult, void>("scoremod/analysis");

// ---- scoremod/analysisChanged ------------------------------------------------------------
/** One mod, as the client needs it for CodeLens and result staleness. */
export interface ModSummary {
  name: string;
  kind: "score" | "mask";
  /** 0-based line of the mod's name (CodeLens anchor). */
  line: number;
  vecSize: number;
  /** False when the body has errors (no code can be generated: lenses that compile are hidden). */
  ok: boolean;
  loads: number;
}
/** Notification (server -> client): sent after each analysis of an open document. */
export interface AnalysisChangedParams {
  uri: string;
  version: number;
  target: TargetId;
  mods: ModSummary[];
  /** Counts by severity, for the status bar. */
  errors: number;
  warnings: number;
  /** Milliseconds the analysis took (the status item warns when it is slow). */
  elapsedMs: number;
}
export const AnalysisChangedNotification = new NotificationType<AnalysisChangedParams>("scoremod/analysisChanged");

// ---- scoremod/cuda -----------------------------------------------------------------------
export interface GeneratedParams {
  uri: string;
  mod: string;
  /** Defaults to the server's active target. */
  target?: TargetId;
  /** Overrides the mod's vecSize (sweeps); defaults to the mod's own. */
  vecSize?: number;
}
/** Request: the generated CUDA device function (and its kernel instantiation) for one mod. */
export interface CudaOk {
  ok: true;
  code: string;
  /** For each generated line (0-based), the 0-based source line it came from, or -1. */
  lineMap: number[];
  target: TargetId;
  vecSize: number;
}
export type CudaResult = CudaOk | Failure;
export const CudaRequest = new RequestType<GeneratedParams, CudaResult, void>("scoremod/cuda");

// ---- scoremod/ptx ------------------------------------------------------------------------
/** PTX lines grouped by the source line their `.loc` points at. */
export interface PtxGroup { sourceLine: number; ptxLines: number[] }
/** Request: PTX for one mod via nvcc (-lineinfo), mapped back to source lines. */
export interface PtxOk {
  ok: true;
  ptx: string;
  /** For each PTX line (0-based), the 0-based source line of the `.loc` in force, or -1. */
  lineMap: number[];
  groups: PtxGroup[];
  /** Load instructions per source line, e.g. { "12": { "ld.global.v4": 1 } } (the proof). */
  loadsByLine: Record<string, Record<string, number>>;
  target: TargetId;
  vecSize: number;
}
export type PtxResult = PtxOk | Failure;
export const PtxRequest = new RequestType<GeneratedParams, PtxResult, void>("scoremod/ptx");

// ---- scoremod/export ---------------------------------------------------------------------
export type ExportFlavor = "fa4" | "flex";
export interface ExportParams { uri: string; mod: string; flavor: ExportFlavor; target?: TargetId }
/** Request: Python source of the mod for FA4's CuTe-DSL (`fa4`) or PyTorch FlexAttention (`flex`). */
export interface ExportOk { ok: true; code: string; language: "python"; flavor: ExportFlavor }
export type ExportResult = ExportOk | Failure;
export const ExportRequest = new RequestType<ExportParams, ExportResult, void>("scoremod/export");

// ---- scoremod/setTarget ------------------------------------------------------------------
/** Request: change the active target; the server re-analyses every open document. */
export interface SetTargetParams { target: string }
export type SetTargetResult = { ok: true; target: TargetId } | Failure;
export const SetTargetRequest = new RequestType<SetTargetParams, SetTargetResult, void>("scoremod/setTarget");

/** Every custom method name, for docs/protocol.md's check. */
export const METHODS = [
  AnalysisRequest.method, AnalysisChangedNotification.method, CudaRequest.method,
  PtxRequest.method, ExportRequest.method, SetTargetRequest.method,
] as const;

/** Settings the server reads (section `scoremod`), sent as initializationOptions and on change. */
export interface ServerSettings {
  target: TargetId;
  inlayHints: boolean;
  /** Base URL for diagnostic docs (`<base>/<CODE>.md`); empty = file: URL into the repo. */
  docsBaseUrl: string;
  /** nvcc path override (empty = PATH, then $CUDA_HOME/bin, /usr/local/cuda/bin). */
  nvccPath: string;
}
