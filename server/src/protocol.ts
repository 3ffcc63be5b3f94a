// The Score Mod Studio extensions to LSP: every custom method, with its params and result,
// documented here next to its type. Imported by both the server (server/src/lsp) and the client
// (client/src); docs/protocol.md describes the same methods for other editors, and
// test/lsp/protocol.test.ts checks that every method below is documented there.
//
// Invariants: all methods are namespaced `scoremod/`; ranges and lines are 0-based (LSP);
// a request never fails with a JSON-RPC error for bad user input, it answers `{ ok: false, error }`.
import type { FileAnalysis } from "./analysis/facts";
import type { TargetId } from "./analysis/targets";

export type { FileAnalysis, TargetId };
// The target table travels with the protocol (settings and the target picker name targets by
// id): data only, so the client reads it here and imports nothing of the analysis.
export { DEFAULT_TARGET, TARGETS, isTargetId } from "./analysis/targets";

/**
 * A method name carrying its params/result types. Plain data (not vscode-jsonrpc's RequestType):
 * the client and the server bundle different copies of vscode-jsonrpc, whose classes do not mix.
 */
export interface RequestSpec<P, R> { readonly method: string; readonly __types?: [P, R] }
export interface NotificationSpec<P> { readonly method: string; readonly __types?: [P] }
const request = <P, R>(method: string): RequestSpec<P, R> => ({ method });
const notification = <P>(method: string): NotificationSpec<P> => ({ method });

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
export const AnalysisRequest = request<AnalysisParams, AnalysisResult>("scoremod/analysis");

// ---- scoremod/analysisChanged ------------------------------------------------------------
/** One mod, as the client needs it for CodeLens and result staleness. */
export interface ModSummary {
  name: string;
  kind: "score" | "mask";
  /** 0-based line of the mod's name (CodeLens anchor). */
  line: number;
  vecSize: number;
  /** ModFact.ok: false when the analysis blocks the mod (no code can be generated: lenses that compile are hidden). */
  ok: boolean;
  /** When not ok: the refusal, naming the first blocking error and its location. */
  blocked?: string;
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
export const AnalysisChangedNotification = notification<AnalysisChangedParams>("scoremod/analysisChanged");

// ---- scoremod/cuda -----------------------------------------------------------------------
export interface GeneratedParams {
  uri: string;
  mod: string;
  /** Defaults to the server's active target. */
  target?: TargetId;
  /** Overrides the mod's vecSize (sweeps); defaults to the mod's own. */
  vecSize?: number;
}
/** Request: the generated CUDA device functions of one mod, rendered for reading (no #line, prelude or proof kernel). */
export interface CudaOk {
  ok: true;
  code: string;
  /** For each generated line (0-based), the 0-based source line it came from, or -1. */
  lineMap: number[];
  target: TargetId;
  vecSize: number;
}
export type CudaResult = CudaOk | Failure;
export const CudaRequest = request<GeneratedParams, CudaResult>("scoremod/cuda");

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
export const PtxRequest = request<GeneratedParams, PtxResult>("scoremod/ptx");

// ---- scoremod/sass -----------------------------------------------------------------------
/** SASS lines grouped by the source line of the mod they were inlined from. */
export interface SassGroup { sourceLine: number; sassLines: number[] }
/**
 * Request: the proof kernel compiled to a cubin for the target's sm (nvcc -cubin -lineinfo,
 * ptxas -v) and disassembled by nvdisasm or cuobjdump beside nvcc. Without a disassembler it is
 * still ok: `tool` is null and the text's header gives the registers, spills and the reason.
 */
export interface SassOk {
  ok: true;
  sass: string;
  /** For each SASS line (0-based), the 0-based source line, or -1. */
  lineMap: number[];
  groups: SassGroup[];
  tool: "nvdisasm" | "cuobjdump" | null;
  registers: number | null;
  spillStoreBytes: number | null;
  spillLoadBytes: number | null;
  target: TargetId;
  vecSize: number;
}
export type SassResult = SassOk | Failure;
export const SassRequest = request<GeneratedParams, SassResult>("scoremod/sass");

// ---- scoremod/export ---------------------------------------------------------------------
export type { ExportFlavor } from "./codegen/exports";
import type { ExportFlavor } from "./codegen/exports";
export interface ExportParams { uri: string; mod: string; flavor: ExportFlavor; target?: TargetId }
/** Request: Python source of the mod for FA4's CuTe-DSL (`fa4`) or PyTorch FlexAttention (`flex`). */
/** `fileName` (`<stem>[.<mod>].<flavor>.py`) and `helpers` go beside the mod file: the editor writes them there. */
export interface ExportOk { ok: true; code: string; language: "python"; flavor: ExportFlavor; fileName: string; helpers: { fileName: string; text: string }[] }
export type ExportResult = ExportOk | Failure;
export const ExportRequest = request<ExportParams, ExportResult>("scoremod/export");

// ---- scoremod/setTarget ------------------------------------------------------------------
/** Request: change the active target; the server re-analyses every open document. */
export interface SetTargetParams { target: string }
export type SetTargetResult = { ok: true; target: TargetId } | Failure;
export const SetTargetRequest = request<SetTargetParams, SetTargetResult>("scoremod/setTarget");

// ---- the heat map (not an LSP request) ---------------------------------------------------
/**
 * The view evaluates a mod on a q × kv window with the runtime's float64 semantics (sample aux
 * data from each tensor's `init`). It EXECUTES the workspace file, so the language server never
 * computes it: the client asks the runner's worker process (runner/supervisor.ts heatMap), and
 * `scoremod view` computes it in the CLI. These are the shapes of its parameters and result.
 */
/**
 * The mask and score view of one mod, paired with the file's first mod of the other kind (a
 * score mod with the mask, a mask with the score mod), as FlexAttention applies them: at tile
 * granularity for the whole problem, and per element in a window.
 */
export interface HeatMapParams {
  uri: string;
  mod: string;
  /** Side of the element window (1..256). */
  size: number;
  /** The problem (default B1 H1 Q=KV=1024) and the (b, h) shown (default 0, 0). */
  shape?: { B: number; H: number; Q: number; KV: number };
  b?: number;
  h?: number;
  /** First q and kv of the element window (default 0, 0; clipped to the problem). */
  q0?: number;
  kv0?: number;
}
export interface HeatMapTiles {
  tileQ: number;
  tileKv: number;
  nQ: number;
  nKv: number;
  /** Row-major [q tile][kv tile] for this (b, h): 0 empty (every score masked), 1 partial, 2 full (none masked). */
  classes: number[];
  tiles: number;
  empty: number;
  full: number;
  partial: number;
  /** empty / tiles; null when some tiles could not be decided (their data was too large to evaluate here). */
  sparsity: number | null;
  /** "static": proven from indices; "sample-data": the mask read aux tensors, evaluated on the sample data. */
  proof: "static" | "sample-data";
  note?: string;
}
export interface HeatMapWindow {
  q0: number;
  kv0: number;
  rows: number;
  cols: number;
  /** Row-major raw scores (seeded N(0, 1), the scaled q·k of random inputs). */
  raw: number[];
  /** The score mod's output for each raw score (raw itself without a score mod); non-finite as "-inf", "inf", "nan". */
  out: (number | "-inf" | "inf" | "nan")[];
  /** The mask per element; null without a mask. */
  keep: boolean[] | null;
}
export interface HeatMapOk {
  ok: true;
  mod: string;
  kind: "score" | "mask";
  /** The file's mod of the other kind applied with it, if any. */
  pair: string | null;
  shape: { B: number; H: number; Q: number; KV: number };
  b: number;
  h: number;
  tiles: HeatMapTiles;
  /** Null when the window could not be evaluated (the reason is in `windowError`). */
  window: HeatMapWindow | null;
  windowError?: string;
}
export type HeatMapResult = HeatMapOk | Failure;

/** Every custom method name, for docs/protocol.md's check. */
export const METHODS = [
  AnalysisRequest.method, AnalysisChangedNotification.method, CudaRequest.method,
  PtxRequest.method, SassRequest.method, ExportRequest.method, SetTargetRequest.method,
] as const;

/** Settings the server reads (section `scoremod`), sent as initializationOptions and on change. */
export interface ServerSettings {
  target: TargetId;
  inlayHints: boolean;
  /** Base URL for diagnostic docs (`<base>/<CODE>.md`); empty = file: URL into the repo. */
  docsBaseUrl: string;
  /** nvcc path override (empty = PATH, then $CUDA_HOME/bin, /usr/local/cuda/bin). */
  nvccPath: string;
  /** The benchmark problem (scoremod.problem.*): aux indices are checked for range at it (SM160-SM162). */
  problem: { B: number; H: number; Q: number; KV: number } | null;
}
