// The executable `scoremod` DSL: the implementation of runtime/index.d.ts. A mod is a plain JS
// function evaluated in float64; aux tensors, scalars and dims read the values bound by
// `withBindings` (not part of the public typings: the reference and the runner use it).
import type {
  ComposedMask, DType, DTypeName, Dim, Init, MaskFn, MaskMod, ModOptions, Scalar, ScoreFn, ScoreMod, SeqInfo, Tensor, TensorOptions,
} from "../index";
import { DTYPE_BYTES, isFloatDType, laneValue, storeValue } from "./dtypes";
import { isDimName, parseStride, resolveShape } from "./layout";
import type { Seqlens } from "./varlen";

export type {
  ComposedMask, DType, DTypeName, Dim, Init, MaskFn, MaskMod, ModOptions, Scalar, ScoreFn, ScoreMod, SeqInfo, Tensor, TensorOptions,
} from "../index";

// ---------------------------------------------------------------------------------------------
// Errors

export { DslError, DslIndexError } from "./errors";
import { DslError, DslIndexError } from "./errors";
import { DTYPE_SPECS, DTYPES_TEXT, INT_DTYPES_TEXT, isDTypeName } from "./vocabulary";

// ---------------------------------------------------------------------------------------------
// Element types

// One constant per dtype of the vocabulary (runtime/src/vocabulary.ts); index.d.ts declares them
// (generated) and typings.test.ts fails to compile if one is missing here.
function dtype<N extends DTypeName>(name: N): DType<N> {
  return Object.freeze({ name, bytes: DTYPE_SPECS[name].bytes, kind: DTYPE_SPECS[name].lane });
}
export const bf16: DType<"bf16"> = dtype("bf16");
export const f16: DType<"f16"> = dtype("f16");
export const f32: DType<"f32"> = dtype("f32");
export const i32: DType<"i32"> = dtype("i32");
export const u8: DType<"u8"> = dtype("u8");
export const u32: DType<"u32"> = dtype("u32");
export const i64: DType<"i64"> = dtype("i64");
export const u16: DType<"u16"> = dtype("u16");
export const i8: DType<"i8"> = dtype("i8");
export const bool: DType<"bool"> = dtype("bool");

// ---------------------------------------------------------------------------------------------
// Evaluation context

/** Values of one tensor as the kernel would see them. */
export interface TensorData {
  readonly dtype: DTypeName;
  /** Extent of each dim. */
  readonly shape: readonly number[];
  /** Strides in elements. */
  readonly strides: readonly number[];
  /** One value per allocation element (offset = sum(index * stride)), as stored. */
  readonly values: ArrayLike<number>;
}

export interface Bindings {
  /** Values of symbolic dims (B, H, Q, KV and user dims). */
  readonly dims?: Readonly<Record<string, number>>;
  /** Data of aux tensors, keyed by the tensor's declared name (its first argument). */
  readonly tensors?: Readonly<Record<string, TensorData>>;
  /** Values of scalar parameters by name; unbound scalars use their default. */
  readonly scalars?: Readonly<Record<string, number>>;
  /** A varlen batch's cu_seqlens (varlen.ts); absent: B equal sequences of Q and KV tokens. */
  readonly seqlens?: Seqlens;
}

const stack: Bindings[] = [];
/** Tensors whose bound data already matched their declaration, per bindings object. */
const checked = new WeakMap<Bindings, Set<string>>();

/** Run `fn` with `bindings` visible to `.at()`, `.value` and `dim()`; nests, restores on exit. */
export function withBindings<T>(bindings: Bindings, fn: () => T): T {
  stack.push(bindings);
  try {
    return fn();
  } finally {
    stack.pop();
  }
}

/** The innermost active bindings, if any. */
export function currentBindings(): Bindings | undefined {
  return stack[stack.length - 1];
}

// ---------------------------------------------------------------------------------------------
// Brands: identify DSL objects among a module's exports (works across bundle copies).

export type DslObjectKind = "tensor" | "scalar" | "score" | "mask";
const BRAND = Symbol.for("scoremod.kind");

let sinks: ((obj: object, kind: DslObjectKind) => void)[] = [];

function brand<T extends object>(obj: T, kind: DslObjectKind): T {
  Object.defineProperty(obj, BRAND, { value: kind, enumerable: false });
  for (const sink of sinks) sink(obj, kind);
  return Object.freeze(obj);
}

/**
 * Run `fn` and also return every tensor and scalar it declared, exported or not (a module's
 * private `const t = tensor(...)` still needs sample data).
 */
export function captureDeclarations<T>(fn: () => T): { result: T; tensors: Tensor[]; scalars: Scalar[] } {
  const tensors: Tensor[] = [];
  const scalars: Scalar[] = [];
  const sink = (obj: object, kind: DslObjectKind): void => {
    if (kind === "tensor") tensors.push(obj as Tensor);
    else if (kind === "scalar") scalars.push(obj as Scalar);
  };
  sinks = [...sinks, sink];
  try {
    return { result: fn(), tensors, scalars };
  } finally {
    sinks = sinks.filter((s) => s !== sink);
  }
}

/** Which DSL object `x` is, or undefined for anything else. */
export function dslKindOf(x: unknown): DslObjectKind | undefined {
  if ((typeof x !== "object" && typeof x !== "function") || x === null) return undefined;
  const k = (x as { [BRAND]?: unknown })[BRAND];
  return k === "tensor" || k === "scalar" || k === "score" || k === "mask" ? k : undefined;
}
export const isTensor = (x: unknown): x is Tensor => dslKindOf(x) === "tensor";
export const isScalar = (x: unknown): x is Scalar => dslKindOf(x) === "scalar";
export const isScoreMod = (x: unknown): x is ScoreMod => dslKindOf(x) === "score";
export const isMaskMod = (x: unknown): x is MaskMod => dslKindOf(x) === "mask";

// ---------------------------------------------------------------------------------------------
// Tensors

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Exact for every safe integer: not `n & (n - 1)`, which truncates to 32 bits (3 * 2^31 would pass). */
function isPow2(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

function checkInit(what: string, dt: DTypeName, init: Init): void {
  const keys = Object.keys(init);
  if (keys.length !== 1) throw new DslError(`${what}: init must have exactly one of normal, uniform, range, segments, bits`);
  const isFloat = isFloatDType(dt);
  if ("normal" in init) {
    if (!isFloat) throw new DslError(`${what}: init normal needs a float dtype; use range for ${dt}`);
    const { mean = 0, std = 1 } = init.normal;
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) throw new DslError(`${what}: init normal needs finite mean and std >= 0`);
  } else if ("uniform" in init) {
    if (!isFloat) throw new DslError(`${what}: init uniform needs a float dtype; use range for ${dt}`);
    const [lo, hi] = init.uniform;
    if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) throw new DslError(`${what}: init uniform [lo, hi] needs finite lo < hi`);
  } else if ("range" in init) {
    if (dt === "bool") throw new DslError(`${what}: init range does not apply to bool; use bits`);
    const [lo, hi] = init.range;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || !(lo < hi)) throw new DslError(`${what}: init range [lo, hi) needs integers with lo < hi`);
    if (dt === "u8" && (lo < 0 || hi > 256)) throw new DslError(`${what}: init range [${lo}, ${hi}) does not fit u8`);
    if (dt === "u32" && (lo < 0 || hi > 2 ** 32)) throw new DslError(`${what}: init range [${lo}, ${hi}) does not fit u32`);
    if (dt === "i32" && (lo < -(2 ** 31) || hi > 2 ** 31)) throw new DslError(`${what}: init range [${lo}, ${hi}) does not fit i32`);
    if (dt === "u16" && (lo < 0 || hi > 2 ** 16)) throw new DslError(`${what}: init range [${lo}, ${hi}) does not fit u16`);
    if (dt === "i8" && (lo < -128 || hi > 128)) throw new DslError(`${what}: init range [${lo}, ${hi}) does not fit i8`);
    if (dt === "i64" && (lo < -Number.MAX_SAFE_INTEGER || hi > Number.MAX_SAFE_INTEGER)) throw new DslError(`${what}: init range [${lo}, ${hi}) is beyond the integers JavaScript holds exactly`);
  } else if ("segments" in init) {
    if (dt === "bool") throw new DslError(`${what}: init segments needs a numeric dtype`);
    if (!Number.isInteger(init.segments) || init.segments < 1) throw new DslError(`${what}: init segments must be a positive integer`);
    if (dt === "u8" && init.segments > 256) throw new DslError(`${what}: init segments ${init.segments} does not fit u8 ids`);
    if (dt === "i8" && init.segments > 128) throw new DslError(`${what}: init segments ${init.segments} does not fit i8 ids`);
  } else if ("bits" in init) {
    if (isFloat) throw new DslError(`${what}: init bits needs bool or an integer dtype`);
    if (!(init.bits >= 0 && init.bits <= 1)) throw new DslError(`${what}: init bits is a probability in [0, 1]`);
  } else {
    throw new DslError(`${what}: unknown init "${keys[0]}" (normal, uniform, range, segments, bits)`);
  }
}

function checkDeclaration(name: string, dt: DType, shape: readonly Dim[], options: TensorOptions): void {
  const what = `tensor("${String(name)}")`;
  if (typeof options !== "object" || options === null) throw new DslError(`${what}: options must be an object`);
  if (typeof name !== "string" || !NAME.test(name)) throw new DslError(`${what}: the name must be an identifier (letters, digits, _)`);
  if (!dt || typeof dt !== "object" || !isDTypeName(dt.name)) throw new DslError(`${what}: unknown dtype; use ${DTYPES_TEXT}`);
  if (!Array.isArray(shape) || shape.length === 0) throw new DslError(`${what}: the shape must be a non-empty array of dims`);
  shape.forEach((d, i) => {
    if (typeof d === "number" ? !(Number.isInteger(d) && d > 0) : !(typeof d === "string" && isDimName(d))) {
      throw new DslError(`${what}: dim ${i} must be a positive integer or a dim name, got ${JSON.stringify(d)}`);
    }
  });
  const bytes = DTYPE_BYTES[dt.name];
  if (options.align !== undefined && !(isPow2(options.align) && options.align >= bytes)) {
    throw new DslError(`${what}: align ${options.align} must be a power of two >= the element size (${bytes} B)`);
  }
  if (options.strides !== undefined && options.leadingDim !== undefined) {
    throw new DslError(`${what}: give either strides or leadingDim, not both`);
  }
  if (options.strides !== undefined) {
    if (options.strides.length !== shape.length) throw new DslError(`${what}: ${options.strides.length} strides for ${shape.length} dims`);
    for (const s of options.strides) {
      try { parseStride(s); } catch (e) { throw new DslError(`${what}: ${(e as Error).message}`); }
    }
  }
  if (options.leadingDim !== undefined && !(Number.isInteger(options.leadingDim) && options.leadingDim >= 0 && options.leadingDim < shape.length)) {
    throw new DslError(`${what}: leadingDim ${options.leadingDim} is not a dim index in [0, ${shape.length})`);
  }
  for (const [k, v] of Object.entries(options.divisible ?? {})) {
    if (!isDimName(k) || !(Number.isInteger(v) && v > 0)) throw new DslError(`${what}: divisible.${k} must be a positive integer`);
  }
  if (options.init !== undefined) checkInit(what, dt.name, options.init);
  if (options.values !== undefined) {
    const v = options.values;
    if (dt.kind !== "int") throw new DslError(`${what}: values is for integer tensors (${INT_DTYPES_TEXT})`);
    if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isSafeInteger(x)) || !(v[0]! < v[1]!)) {
      throw new DslError(`${what}: values must be [lo, hi] with integers lo < hi (every element in [lo, hi))`);
    }
  }
}

function formatCall(name: string, index: readonly unknown[]): string {
  return `${name}.at(${index.map((i) => String(i)).join(", ")})`;
}

class TensorImpl {
  constructor(
    readonly name: string,
    readonly dtype: DType,
    readonly shape: readonly Dim[],
    readonly options: TensorOptions,
  ) {}

  /** The bound data, checked once per bindings object against this declaration. */
  private data(b: Bindings | undefined, call: string): TensorData {
    if (!b) throw new DslError(`${call}: read outside an evaluation context (no bindings)`);
    const d = b.tensors?.[this.name];
    if (!d) throw new DslError(`${call}: no data bound for tensor "${this.name}"`);
    let seen = checked.get(b);
    if (!seen) checked.set(b, (seen = new Set()));
    if (!seen.has(this.name)) {
      if (d.dtype !== this.dtype.name) throw new DslError(`${call}: bound data is ${d.dtype}, declared ${this.dtype.name}`);
      const expect = resolveShape(this.shape, b.dims ?? {}, `tensor "${this.name}"`);
      if (d.shape.length !== expect.length || d.shape.some((e, i) => e !== expect[i]) || d.strides.length !== expect.length) {
        throw new DslError(`${call}: bound data has shape [${d.shape.join(", ")}], declared [${expect.join(", ")}] for these dims`);
      }
      seen.add(this.name);
    }
    return d;
  }

  at(...index: number[]): number | boolean {
    const b = currentBindings();
    const rank = this.shape.length;
    if (index.length !== rank) {
      throw new DslError(`${formatCall(this.name, index)}: ${index.length} indices for a tensor of rank ${rank}`);
    }
    const d = this.data(b, formatCall(this.name, index));
    let off = 0;
    for (let i = 0; i < rank; i++) {
      const x = index[i]!;
      const extent = d.shape[i]!;
      if (!Number.isInteger(x)) {
        throw new DslError(`${formatCall(this.name, index)}: index ${i} is ${x}, not an integer`);
      }
      if (x < 0 || x >= extent) {
        throw new DslIndexError(this.name, i, String(this.shape[i]), x, extent, formatCall(this.name, index));
      }
      off += x * d.strides[i]!;
    }
    const v = d.values[off]!;
    const vr = this.options.values;
    if (vr && (v < vr[0] || v >= vr[1])) {
      throw new DslError(`${formatCall(this.name, index)}: holds ${v}, outside its declared values [${vr[0]}, ${vr[1]})`);
    }
    switch (this.dtype.name) {
      case "bool": return v !== 0;
      case "bf16": case "f16": case "f32": return storeValue(this.dtype.name, v); // idempotent on stored data
      default: return laneValue(this.dtype.name, v);
    }
  }
}

/** Declare an aux tensor. */
export function tensor<D extends DType, const S extends readonly Dim[]>(
  name: string, dtype: D, shape: S, options: TensorOptions = {}): Tensor<D, S> {
  checkDeclaration(name, dtype, shape, options);
  const t = new TensorImpl(name, dtype, Object.freeze([...shape]), Object.freeze({ ...options }));
  // The typed `at` (arity from the shape, boolean for bool) is the same function.
  return brand(t, "tensor") as unknown as Tensor<D, S>;
}

// ---------------------------------------------------------------------------------------------
// Scalars and dims

/** A runtime scalar parameter (a kernel argument, not a compile-time constant). */
export function scalar(name: string, dtype: DType<"f32" | "i32">, defaultValue: number): Scalar {
  const what = `scalar("${String(name)}")`;
  if (typeof name !== "string" || !NAME.test(name)) throw new DslError(`${what}: the name must be an identifier (letters, digits, _)`);
  if (!dtype || (dtype.name !== "f32" && dtype.name !== "i32")) throw new DslError(`${what}: a scalar is f32 or i32`);
  const stored = (v: number, source: string): number => {
    if (typeof v !== "number" || Number.isNaN(v)) throw new DslError(`${what}: ${source} must be a number`);
    if (dtype.name === "i32" && !(Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31)) {
      throw new DslError(`${what}: ${source} ${v} is not an i32`);
    }
    return dtype.name === "f32" ? Math.fround(v) : v;
  };
  stored(defaultValue, "default value");
  const s = {
    name, dtype, defaultValue,
    /** The bound value in the current evaluation context, else the default (as a kernel argument stores it). */
    get value(): number {
      const bound = currentBindings()?.scalars?.[name];
      return stored(bound ?? defaultValue, bound === undefined ? "default value" : "bound value");
    },
  };
  return brand(s, "scalar");
}

/** The run-time size of a symbolic dim inside a mod body, e.g. `dim("KV")`. */
export function dim(name: string): number {
  const b = currentBindings();
  if (!b) throw new DslError(`dim("${name}"): read outside an evaluation context (no bindings)`);
  const v = b.dims?.[name];
  if (v === undefined) {
    const known = Object.keys(b.dims ?? {});
    throw new DslError(`dim("${name}") is not bound (bound: ${known.length ? known.join(", ") : "none"})`);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Mods

function checkModOptions(what: string, options: ModOptions): ModOptions {
  if (typeof options !== "object" || options === null) throw new DslError(`${what}: options must be an object`);
  const v = options.vecSize;
  if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new DslError(`${what}: vecSize must be a positive integer, got ${v}`);
  return Object.freeze({ ...options });
}

/** score' = fn(score, b, h, q, kv); score is already multiplied by softmax_scale. */
export function scoreMod(options: ModOptions, fn: ScoreFn): ScoreMod;
export function scoreMod(fn: ScoreFn): ScoreMod;
export function scoreMod(a: ModOptions | ScoreFn, b?: ScoreFn): ScoreMod {
  const [options, fn] = typeof a === "function" ? [{}, a] : [a, b];
  if (typeof fn !== "function") throw new DslError("scoreMod: expected a function (score, b, h, q, kv) => number");
  return brand(callable<ScoreMod>({ kind: "score" as const, options: checkModOptions("scoreMod", options), fn }), "score");
}

/** true keeps the score, false masks it to -inf. */
export function maskMod(options: ModOptions, fn: MaskFn): MaskMod;
export function maskMod(fn: MaskFn): MaskMod;
export function maskMod(a: ModOptions | MaskFn, b?: MaskFn): MaskMod {
  const [options, fn] = typeof a === "function" ? [{}, a] : [a, b];
  if (typeof fn !== "function") throw new DslError("maskMod: expected a function (b, h, q, kv) => boolean");
  return brand(callable<MaskMod>({ kind: "mask" as const, options: checkModOptions("maskMod", options), fn }), "mask");
}

/**
 * The sequence of the mod call in progress: the reference and the mask view set it before they
 * call a mod, so a mod that another mod calls (without a `seq` argument, as its call signature
 * has none) sees its caller's, as the analysis inlines it.
 */
let ambientSeq: SeqInfo | undefined;
export function setAmbientSeq(seq: SeqInfo | undefined): void { ambientSeq = seq; }

/**
 * A mod is callable (so another mod or helper of the file can call it, as the analysis inlines
 * it) and keeps `kind`, `options` and `fn` as properties.
 */
function callable<T extends ScoreMod | MaskMod>(m: Pick<T, "kind" | "options" | "fn">): T {
  const fn = m.fn as unknown as (...args: unknown[]) => number | boolean;
  const seqAt = m.kind === "score" ? 5 : 4;
  const call = (...args: unknown[]) => {
    const own = args.slice(0, seqAt);
    while (own.length < seqAt) own.push(undefined);
    return fn(...own, args.length > seqAt ? args[seqAt] : ambientSeq);
  };
  for (const k of ["kind", "options", "fn"] as const) Object.defineProperty(call, k, { value: m[k], enumerable: true });
  return call as unknown as T;
}

/** Keeps a score when every mask keeps it (attention-gym's `and_masks`); none keeps every score. */
export function andMasks(...masks: MaskFn[]): ComposedMask {
  checkMasks("andMasks", masks);
  return (b, h, q, kv, seq) => masks.every((m) => m(b, h, q, kv, (seq ?? ambientSeq) as SeqInfo));
}

/** Keeps a score when any mask keeps it (attention-gym's `or_masks`); none keeps no score. */
export function orMasks(...masks: MaskFn[]): ComposedMask {
  checkMasks("orMasks", masks);
  return (b, h, q, kv, seq) => masks.some((m) => m(b, h, q, kv, (seq ?? ambientSeq) as SeqInfo));
}

function checkMasks(what: string, masks: unknown[]): void {
  masks.forEach((m, i) => {
    if (typeof m !== "function") throw new DslError(`${what}: argument ${i + 1} is not a mask (a maskMod or a function (b, h, q, kv) => boolean)`);
  });
}

// ---------------------------------------------------------------------------------------------
// Math (float64, the reference precision)

// The functions are generated from the vocabulary table (runtime/src/vocabulary.ts).
export * from "./math.generated";
