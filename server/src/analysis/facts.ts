// What the analysis knows about a file. One value of `FileAnalysis` feeds diagnostics, hovers,
// inlay hints, code actions, the CLI's JSON and the code generators, so they cannot disagree.
import type { Range, Stmt } from "./ir";
import type { TargetId } from "./targets";

export type Severity = "error" | "warning" | "info";

export interface TextEdit { range: Range; newText: string }
/** A fix the user can apply: a code action in the editor, a hint in the CLI. */
export interface Fix { title: string; edits: TextEdit[] }

export interface Diagnostic {
  range: Range;
  severity: Severity;
  /** Stable code: "TS2554" for TypeScript's own, "SM1xx" for ours (docs/diagnostics/<CODE>.md). */
  code: string;
  message: string;
  fixes?: Fix[];
}

/** A sum of monomials over symbolic dims, e.g. H*KV + 8 is [{c:1,vars:["H","KV"]},{c:8,vars:[]}]. */
export type Poly = { c: number; vars: string[] }[];

export type { DTypeName } from "scoremod/vocabulary";
import type { DTypeName } from "scoremod/vocabulary";

export interface TensorFact {
  /** The exported variable that holds it (used in mod bodies). */
  varName: string;
  /** The tensor's own name (first argument of tensor()). */
  name: string;
  dtype: DTypeName;
  elemBytes: number;
  shape: (string | number)[];
  /** Strides in elements per dim. */
  strides: Poly[];
  /** The dim with stride 1, or null if none. */
  unitStrideDim: number | null;
  align: number;
  alignExplicit: boolean;
  /** Divisibility facts this tensor declares (the analysis merges them file-wide). */
  divisible: Record<string, number>;
  init: unknown;
  /** Declared value range [lo, hi) of an integer tensor (`values`), or null. A promise the runner checks. */
  values: [number, number] | null;
  range: Range;
  /** The options argument for code actions: see OptionsSite. */
  options: OptionsSite;
}

/** Where a call's options object literal is, so fixes can set one property. */
export interface OptionsSite {
  /** The object literal's range, or null when the call has none. */
  range: Range | null;
  /** Its source text ("{ align: 16 }"), or null. */
  text: string | null;
  /** Range of each property's value, by key (only simple `key: value` properties). */
  props: Record<string, Range>;
  /** Where a new options argument would be inserted when there is none (zero-width range). */
  insertAt: Range;
}

export interface ScalarFact { varName: string; name: string; dtype: "f32" | "i32"; defaultValue: number; range: Range }

/**
 * uniform: no kv dependence; contiguous: kv + c in the stride-1 dim (also kv % n when a call's
 * lanes stay in one period); grouped: each aligned run of `group` lanes reads one element
 * (idiv(kv, 32), kv >> 5), V / group consecutive elements per call, or one when group >= V;
 * gather: anything else.
 */
export type LaneClass = "uniform" | "contiguous" | "grouped" | "gather";

/** A promise the real tensors must keep; the runner checks each before every launch. */
export interface Obligation {
  kind: "ptr-align" | "stride-multiple" | "dim-multiple" | "in-bounds";
  /** Human text, e.g. "kv_bias.data_ptr() % 16 == 0". */
  text: string;
  tensor?: string;
  /** For stride-multiple: the dim index; for dim-multiple: the symbolic dim name. */
  dim?: number | string;
  value: number;
}

/** How a kernel with aux staging (Target.auxStaging) copies a load's values into shared memory (staging.ts). */
export interface StagingFact {
  /**
   * "row": an index that does not depend on q, one row of the tile's kv columns that every query
   * row reads; "tile": an index that depends on q, one row per query row of the block.
   */
  rows: "row" | "tile";
  /** Bytes per copy step: the widest chunk along kv the width facts prove (4, 8 or 16; 16 for a tile's TMA rows). */
  chunkBytes: number;
  /** For a tile: the dims q and kv index (the TMA box's rows and columns). */
  tileDims?: { q: number; kv: number };
  /** Shared memory per stage, and where this load's region starts in it. */
  bytes: number;
  offset: number;
}

export interface LoadFact {
  id: number;
  mod: string;
  range: Range;
  /** The tensor variable and the tensor's declared name. */
  tensorVar: string;
  tensor: string;
  /** Source text of the load, whitespace-normalised: "kvBias.at(b, h, kv)". */
  text: string;
  class: LaneClass;
  /**
   * For grouped loads: each aligned run of this many lanes reads one element, so lane i reads
   * element i / group of the max(1, V / group) consecutive elements loaded per call.
   */
  group?: number;
  /** Elements per load instruction (1 = scalar). Uniform loads are 1 (loaded once, broadcast). */
  widthElems: number;
  widthBytes: number;
  /** Load instructions issued per V scores. */
  loadsPerVec: number;
  /** Why it is not wider (null when it is as wide as V and the target allow). */
  why: string | null;
  /** The fix for `why`, when one exists. */
  fix: Fix | null;
  /**
   * When `fix` is a promise about the real tensors (align, divisible: FA4 does not check it), the
   * safe alternative that needs none: vecSize lowered to the width already proven. Offered first.
   */
  safeFix?: Fix;
  obligations: Obligation[];
  /** The derivation, step by step, for hovers ("kv enters dim 2 (stride 1) as kv + 0", ...). */
  proof: string[];
  /**
   * On targets that stage aux tiles (runner-hopper): how this load is staged, or null with
   * `stagingWhy` saying why it is read from global memory. Absent on other targets.
   */
  staging?: StagingFact | null;
  stagingWhy?: string;
  /**
   * A uniform load of a score mod on a target whose kernel calls it through its own entry
   * (Target.fusedEntry: runner-hopper): the kernel loads it once per work item for each query row,
   * before the kv tile loop, not once per call (codegen/cuda.ts emitUniforms; a varlen run, which
   * has no own entry, loads it per call). Absent otherwise.
   */
  perWorkItem?: true;
  /** Index safety at the problem shape (AnalyzeOptions.shape), when one was given (bounds.ts). */
  bounds?: {
    verdict: "proven" | "obligation" | "violated";
    /** "B=1 H=16 Q=8192 KV=8192"; "any size" for verdicts with no problem shape (a violation there names the smallest problem). */
    shape: string;
    /** One line: each index's interval against its extent (bounds.ts describeBounds). */
    detail: string;
    /**
     * At a shape: lo/hi are numbers and extent the size. At any size: `range` gives the bounds
     * ("[0, KV - 1]"), extent is the declared dim or number, and `needs` what would prove it.
     */
    indices: { dim: number; lo?: number; hi?: number; range?: string; extent: number | string; verdict: string; needs?: string[]; witness?: { b: number; h: number; q: number; kv: number; index: number } }[];
    /** At any size, when not proven: the conditions on sizes or scalars that would prove it ("Q ≤ KV"; "its values" for data). */
    needs?: string[];
    /** Tensors whose declared `values` the verdict relies on. */
    assumes: string[];
  };
}

/** A position expression converted to float that a fused-entry kernel evaluates in float (positions.ts): where, its text, and the largest Q + KV it is exact for. */
export interface FloatPositionSite { range: Range; text: string; limit: number }

export interface ModFact {
  /** The exported variable name. */
  name: string;
  kind: "score" | "mask";
  range: Range;
  nameRange: Range;
  vecSize: number;
  vecSizeExplicit: boolean;
  /** The options argument (for "change vecSize" fixes). */
  options: OptionsSite;
  /** Parameter names as the user wrote them, in role order. */
  params: string[];
  body: Stmt[];
  loads: LoadFact[];
  registers: { estimate: number; budget: number };
  /**
   * On a target whose kernel hands the mod float positions (Target.fusedEntry): the int position
   * expressions (±kv ± q + c) the mod converts to float, which that kernel evaluates in float
   * arithmetic (positions.ts): exact, and used, for runs with Q + KV <= limit.
   */
  floatPositions?: FloatPositionSite[];
  /**
   * The errors that stop this mod from being generated (generatable.ts: every error of the file
   * except those wholly inside another mod), in source order. The one decision every generator,
   * export, CLI command, preview, CodeLens and the runner reads.
   */
  blocking: Diagnostic[];
  /** `blocking.length === 0`: code can be generated. */
  ok: boolean;
  /**
   * The other mods of the file this one calls (their bodies are inlined into it): their errors,
   * and diagnostics at their loads, are this mod's too (generatable.ts).
   */
  inlines?: string[];
}

export interface FileAnalysis {
  fileName: string;
  target: TargetId;
  /** The kv tile width when the run uses the target's wider tile (AnalyzeOptions.tileN); absent: the target's own. Read the target through targets.ts `targetOf`. */
  tileN?: number;
  diagnostics: Diagnostic[];
  tensors: TensorFact[];
  scalars: ScalarFact[];
  mods: ModFact[];
  /** File-wide divisibility facts: dim -> the largest declared multiple. */
  divisible: Record<string, number>;
}
