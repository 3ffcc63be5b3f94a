// Public typings of the `scoremod` DSL. This file is the contract: the language server
// type-checks user files against this exact text (embedded at build time), and the
// implementation in src/dsl.ts is checked against it by test/unit/runtime/typings.test.ts.

// BEGIN GENERATED dtypes (scripts/gen-vocabulary.mjs from runtime/src/vocabulary.ts). Do not edit.
/** Element types an aux tensor can hold. */
export type DTypeName = "bf16" | "f16" | "f32" | "i32" | "u8" | "u32" | "i64" | "u16" | "i8" | "bool";
export interface DType<N extends DTypeName = DTypeName> {
  readonly name: N;
  /** Bytes per element. */
  readonly bytes: number;
  readonly kind: "float" | "int" | "bool";
}
export declare const bf16: DType<"bf16">;
export declare const f16: DType<"f16">;
export declare const f32: DType<"f32">;
export declare const i32: DType<"i32">;
export declare const u8: DType<"u8">;
export declare const u32: DType<"u32">;
export declare const i64: DType<"i64">;
export declare const u16: DType<"u16">;
export declare const i8: DType<"i8">;
export declare const bool: DType<"bool">;
// END GENERATED dtypes

/**
 * A dimension: a symbolic name ("B", "H", "Q", "KV", the packed token counts "TOTAL_Q" and
 * "TOTAL_KV" (see SeqInfo), or any user name) or a fixed size.
 */
export type Dim = string | number;

/** How the runner fills sample data for benchmarks and checks. */
export type Init =
  | { normal: { mean?: number; std?: number } }
  | { uniform: readonly [lo: number, hi: number] }
  /** Integers uniform in [lo, hi). Index tensors must declare their valid range. */
  | { range: readonly [lo: number, hi: number] }
  /** Non-decreasing ids along the last dim, `segments` runs of random length (document ids). */
  | { segments: number }
  /** Random bits, each set with probability p (packed masks). */
  | { bits: number };

export interface TensorOptions {
  /** Alignment of the base pointer in bytes, like FA4's `__assumed_align__`. Default: element size. */
  readonly align?: number;
  /** Strides in elements, one per dim: numbers, or sums of products of dims such as "H*KV" or "2*KV + 8" (a padded row). Default row-major. */
  readonly strides?: readonly (number | string)[];
  /** The stride-1 dimension, like FA4's `__leading_dim__`; the others are row-major around it. */
  readonly leadingDim?: number;
  /** Divisibility facts about symbolic dims, e.g. `{ KV: 8 }` means KV % 8 == 0. */
  readonly divisible?: Readonly<Record<string, number>>;
  /** Sample data. Default: normal(0, 1) for floats, range [0, 2) for ints, bits 0.5 for bool. */
  readonly init?: Init;
  /**
   * Integer tensors: every element lies in [lo, hi), e.g. `values: [0, 64]` for indices into a
   * 64-entry table. The analysis bounds indices read from this tensor with it; the runner checks
   * it on the real tensor before every launch (a promise, like `align`).
   */
  readonly values?: readonly [number, number];
}

type ValueOf<D> = D extends DType<"bool"> ? boolean : number;
type Indices<S extends readonly Dim[]> = { readonly [K in keyof S]: number };

export interface Tensor<D extends DType = DType, S extends readonly Dim[] = readonly Dim[]> {
  readonly name: string;
  readonly dtype: D;
  readonly shape: S;
  readonly options: TensorOptions;
  /** Load one element. The number of indices must equal the rank. */
  at(...index: Indices<S>): ValueOf<D>;
}
/** Declare an aux tensor. */
export declare function tensor<D extends DType, const S extends readonly Dim[]>(
  name: string, dtype: D, shape: S, options?: TensorOptions): Tensor<D, S>;

/** A runtime scalar parameter (a kernel argument, not a compile-time constant). */
export interface Scalar {
  readonly name: string;
  readonly dtype: DType<"f32" | "i32">;
  readonly defaultValue: number;
  /** The value inside a mod body. */
  readonly value: number;
}
export declare function scalar(name: string, dtype: DType<"f32" | "i32">, defaultValue: number): Scalar;

/** The run-time size of a symbolic dim inside a mod body, e.g. `dim("KV")`. */
export declare function dim(name: string): number;

export interface ModOptions {
  /** Consecutive kv lanes per call, like FA4's `__vec_size__`. Default: 2 without aux loads, 1 with. */
  readonly vecSize?: number;
}
/**
 * Where the mod's sequence sits in a variable-length (packed) batch: FA4's `seqlen_info`.
 * Take it as the mod's last parameter (`(s, b, h, q, kv, seq)`, `(b, h, q, kv, seq)`); q and kv
 * stay local to the sequence (0 at its first token) and b is the sequence's index, so the token's
 * position in the packed batch is `q + seq.offsetQ` (`kv + seq.offsetKv`): index aux tensors
 * declared over the built-in dims "TOTAL_Q" / "TOTAL_KV" (the packed token counts) with it.
 * A batch of equal lengths is the special case offsetQ = b * Q (call FA4 with cu_seqlens then:
 * without them FA4 passes offset 0).
 */
export interface SeqInfo {
  /** First packed row of this sequence's queries (FA4 `offset_q`, cu_seqlens_q[b]); in [0, TOTAL_Q - lenQ]. */
  readonly offsetQ: number;
  /** First packed row of this sequence's keys (FA4 `offset_k`, cu_seqlens_k[b]); in [0, TOTAL_KV - lenKv]. */
  readonly offsetKv: number;
  /** This sequence's query count (FA4 `seqlen_q`); q < lenQ <= Q, the longest. */
  readonly lenQ: number;
  /** This sequence's key count (FA4 `seqlen_k`); kv < lenKv <= KV, the longest. */
  readonly lenKv: number;
}
export type ScoreFn = (score: number, b: number, h: number, q: number, kv: number, seq: SeqInfo) => number;
export type MaskFn = (b: number, h: number, q: number, kv: number, seq: SeqInfo) => boolean;
export interface ScoreMod {
  /** Call it from another mod or helper of the same file: the analysis inlines it. */
  (score: number, b: number, h: number, q: number, kv: number): number;
  readonly kind: "score";
  readonly options: ModOptions;
  readonly fn: ScoreFn;
}
export interface MaskMod {
  /** Call it from another mod or helper of the same file (e.g. with mapped indices): the analysis inlines it. */
  (b: number, h: number, q: number, kv: number): boolean;
  readonly kind: "mask";
  readonly options: ModOptions;
  readonly fn: MaskFn;
}
/** score' = fn(score, b, h, q, kv); score is already multiplied by softmax_scale. */
export declare function scoreMod(options: ModOptions, fn: ScoreFn): ScoreMod;
export declare function scoreMod(fn: ScoreFn): ScoreMod;
/** true keeps the score, false masks it to -inf. */
export declare function maskMod(options: ModOptions, fn: MaskFn): MaskMod;
export declare function maskMod(fn: MaskFn): MaskMod;
/**
 * Keeps a score when every mask keeps it (attention-gym's `and_masks`); with no masks, keeps
 * every score. Declare the result: `maskMod(andMasks(causal, document))`.
 */
export declare function andMasks(...masks: MaskFn[]): ComposedMask;
/** Keeps a score when any mask keeps it (attention-gym's `or_masks`); with no masks, keeps none. */
export declare function orMasks(...masks: MaskFn[]): ComposedMask;
/** What andMasks and orMasks return: a mask, applied in place as `(b, h, q, kv)` (the caller's sequence then). */
export type ComposedMask = (b: number, h: number, q: number, kv: number, seq?: SeqInfo) => boolean;

// Math. Float functions take and return float; min/max/abs keep int when all arguments are int.
// BEGIN GENERATED math functions (scripts/gen-vocabulary.mjs from runtime/src/vocabulary.ts). Do not edit.
/** e^x. */
export declare function exp(x: number): number;
/** 2^x. */
export declare function exp2(x: number): number;
/** Natural logarithm. */
export declare function log(x: number): number;
/** Base-2 logarithm. */
export declare function log2(x: number): number;
/** Hyperbolic tangent. */
export declare function tanh(x: number): number;
/** 1 / (1 + e^-x). */
export declare function sigmoid(x: number): number;
/** Square root. */
export declare function sqrt(x: number): number;
/** 1 / sqrt(x). */
export declare function rsqrt(x: number): number;
/** Sine (radians). */
export declare function sin(x: number): number;
/** Cosine (radians). */
export declare function cos(x: number): number;
/** Absolute value (int when x is int). */
export declare function abs(x: number): number;
/** The smaller argument (int when both are int). */
export declare function min(a: number, b: number): number;
/** The larger argument (int when both are int). */
export declare function max(a: number, b: number): number;
/** Round toward -inf. The result is float; on an int argument it is the argument. */
export declare function floor(x: number): number;
/** Round toward +inf. The result is float; on an int argument it is the argument. */
export declare function ceil(x: number): number;
/** Integer division truncating toward zero (C semantics); `%` is the matching remainder. */
export declare function idiv(a: number, b: number): number;
/** The error function, 2/sqrt(pi) * integral from 0 to x of e^(-t^2) dt. */
export declare function erf(x: number): number;
/** log(1 + x), accurate for small x. */
export declare function log1p(x: number): number;
/** e^x - 1, accurate for small x. */
export declare function expm1(x: number): number;
/** min(max(x, lo), hi): x limited to [lo, hi] (int when every argument is int). */
export declare function clamp(x: number, lo: number, hi: number): number;
/** x^n for an integer constant n in [-32, 32] (a literal or a module-level const), computed by repeated multiplication. */
export declare function pow(x: number, n: number): number;
// END GENERATED math functions
