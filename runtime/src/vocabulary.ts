// The DSL's vocabulary: every math function and every aux dtype, defined once. Everything that
// names them reads this table: the float64 reference (dsl.ts, through the generated
// math.generated.ts; dtypes.ts), the public typings (runtime/index.d.ts, generated sections), the
// analysis (arity, argument and result types, intervals, messages, lane types, byte sizes), the
// CUDA generator, the Flex and FA4 exports and the TextMate grammar (generated). Each lowering is
// a required field, so a function without a lowering for some backend does not compile.
//
// To add a math function: add an entry to MATH_FNS, run `node scripts/gen-vocabulary.mjs` (and
// `node scripts/build.mjs`), add tests. See ARCHITECTURE.md, "How to add a math function".
//
// This module is pure and imports nothing of ours but errors.ts (runtime/ imports nothing from
// server/ or client/).
import { DslError } from "./errors";

/** The two numeric types the analysis tracks (TypeScript says `number`). */
export type NumTy = "int" | "float";

/** A lowering to C: the arguments' code, already converted to the variant's type. */
export type CLower = (a: readonly string[]) => string;
/** A Python argument: its code and whether it is a plain Python number (not a tensor). */
export interface PyArg { readonly code: string; readonly lit: boolean }
/** A lowering to FlexAttention Python: plain-number arguments take `math.*`, tensors `torch.*`. */
export type PyLower = (a: readonly PyArg[]) => string;
/** What an FA4 lowering may need beyond its arguments. */
export interface Fa4Ctx {
  /** The float constant `v` as a TensorSSA of the lane shape. */
  readonly float: (v: number) => string;
}
/** A lowering to FA4's CuTe DSL over TensorSSA lanes. */
export type Fa4Lower = (a: readonly string[], c: Fa4Ctx) => string;

/**
 * A backend's lowering of one function. `float` takes and gives float; `int` takes and gives int
 * and is used when every argument is int (required for functions whose result is "same").
 */
export interface Variants<F> { readonly float: F; readonly int?: F }

/** What the interval analysis (server/src/analysis/intervals.ts) may assume of the function. */
export type IntervalRule =
  /** Non-decreasing on [domainLo, inf) (default: everywhere); below domainLo NaN. */
  | { readonly kind: "increasing"; readonly domainLo?: number }
  /** The result lies in [lo, hi] (NaN in, NaN out). */
  | { readonly kind: "range"; readonly lo: number; readonly hi: number }
  /** A rule written out in intervals.ts (int/float polymorphic or not monotone). */
  | { readonly kind: "custom" }
  /** Nothing known: the result is any float. */
  | { readonly kind: "unknown" };

export interface MathFnSpec {
  /** Parameter names, in order (their number is the arity). */
  readonly params: readonly string[];
  /** "number": int or float; "int": the analysis rejects float arguments. */
  readonly args: "number" | "int";
  /**
   * The analysis's result type. "float": always float; "same": int when every argument is int,
   * else float. A "same" function has an `int` variant in every backend; a "float" one may have
   * one too (floor, ceil: exact on ints, computed in int and converted).
   */
  readonly result: "float" | "same";
  /** The doc comment of the declaration in runtime/index.d.ts. */
  readonly doc: string;
  /** The reference semantics, in float64 (what dsl.ts exports and the CPU reference runs). */
  readonly ref: (...x: number[]) => number;
  readonly cuda: Variants<CLower>;
  readonly flex: Variants<PyLower>;
  readonly fa4: Variants<Fa4Lower>;
  readonly interval: IntervalRule;
  /** How the generated code's f32 result relates to the float64 reference, per backend. */
  readonly accuracy: string;
  /**
   * A parameter that must be an integer constant in [lo, hi] (pow's exponent): the analysis
   * rejects anything else (SM171), and every lowering receives it as a plain decimal literal.
   */
  readonly constInt?: { readonly index: number; readonly lo: number; readonly hi: number };
}

/** Unary float function with C `c`, torch `t`, Python math `m` and CuTe DSL `f` spellings. */
function unary(c: string, t: string, m: string, f: string): Pick<MathFnSpec, "cuda" | "flex" | "fa4"> {
  return {
    cuda: { float: ([x]) => `${c}(${x})` },
    flex: { float: ([x]) => (x!.lit ? `${m}(${x!.code})` : `${t}(${x!.code})`) },
    fa4: { float: ([x]) => `${f}(${x})` },
  };
}

const same = (a: readonly string[]) => a[0]!;
const X = ["x"] as const;
const AB = ["a", "b"] as const;

/** pow's exponent range: x^n is a product of |n| factors, |n| - 1 roundings (see MATH_FNS.pow). */
export const POW_MAX_EXPONENT = 32;

/** x^n for an integer n, float64: the reference of `pow` (the analysis keeps n a constant). */
function powInt64(x: number, n: number): number {
  if (!Number.isInteger(n)) throw new DslError(`pow(${x}, ${n}): the exponent must be an integer`);
  return x ** n;
}

// ---------------------------------------------------------------------------------------------
// erf in float64 (JavaScript has no Math.erf).
//  |x| < 1: the Maclaurin series erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
//           (Abramowitz & Stegun 7.1.5); below 1 the terms shrink from the first, so the
//           alternation cancels little. It stops when a term no longer changes the sum.
//  |x| >= 1: erf(x) = 1 - erfc(x), erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
//           (A&S 7.1.14), evaluated by the modified Lentz method; exp(-x^2) without the rounding
//           of x*x. erfc(1) = 0.157, so erfc's relative error shrinks by at least 5 in erf.
//  |x| >= 6: +-1 (erfc(6) = 2.2e-17 is below half an ulp of 1).
// Measured against mpmath (40 digits) on 4000 points in (1e-12, 6): at most 4 ulp (6e-16
// relative), exact (correctly rounded) on 83% of them; test/unit/runtime/vocabulary.test.ts
// checks 12 of them to 1e-15. About 0.4-4 us a call (slowest near 1).

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** exp(-x^2) without the rounding of x*x (which costs up to x^2 ulp): x = hi + lo with hi of
 *  26 significant bits, so hi*hi is exact and x^2 = hi^2 + lo*(2hi + lo). */
function expMinusSquare(x: number): number {
  const split = 134217729 * x; // 2^27 + 1 (Veltkamp)
  const hi = split - (split - x), lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-lo * (2 * hi + lo));
}

function erfSeries(x: number): number {
  // Maclaurin series: erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1)).
  const x2 = x * x;
  let p = x, sum = x;
  for (let n = 1; n < 200; n++) {
    p *= -x2 / n;
    const next = sum + p / (2 * n + 1);
    if (next === sum) break;
    sum = next;
  }
  return TWO_OVER_SQRT_PI * sum;
}

function erfcContinuedFraction(x: number): number {
  // f = x + a1/(x + a2/(x + ...)), a_k = k/2 (Lentz).
  const tiny = 1e-300;
  let f = x, c = x, d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d; if (d === 0) d = tiny; d = 1 / d;
    c = x + a / c; if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return (ONE_OVER_SQRT_PI * expMinusSquare(x)) / f;
}

/** The error function in float64, within 4 ulp (see above). */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === 0) return x; // keeps -0
  const a = Math.abs(x);
  if (a >= 6) return Math.sign(x); // erfc(6) < 2.2e-17: rounds to +-1
  const r = a < 1 ? erfSeries(a) : 1 - erfcContinuedFraction(a);
  return x < 0 ? -r : r;
}

/** Integer division truncating toward zero (C semantics); `%` is the matching remainder. */
function idiv64(a: number, b: number): number {
  if (!Number.isInteger(a) || !Number.isInteger(b)) throw new DslError(`idiv(${a}, ${b}): both operands must be integers`);
  if (b === 0) throw new DslError(`idiv(${a}, 0): division by zero`);
  return Math.trunc(a / b);
}

// ---------------------------------------------------------------------------------------------
// The math functions. Order is the order of messages, typings and grammar.

export const MATH_FNS = {
  exp: {
    params: X, args: "number", result: "float", doc: "e^x.", ref: (x) => Math.exp(x),
    ...unary("expf", "torch.exp", "math.exp", "cute.math.exp"),
    interval: { kind: "increasing" }, accuracy: "≤ 2 ulp. Never `__expf`: it has large relative error for big arguments, and scores feed a softmax",
  },
  exp2: {
    params: X, args: "number", result: "float", doc: "2^x.", ref: (x) => 2 ** x,
    cuda: { float: ([x]) => `exp2f(${x})` },
    flex: { float: ([x]) => (x!.lit ? `(2.0 ** ${x!.code})` : `torch.exp2(${x!.code})`) },
    fa4: { float: ([x]) => `cute.math.exp2(${x})` },
    interval: { kind: "increasing" }, accuracy: "≤ 2 ulp (as exp)",
  },
  log: {
    params: X, args: "number", result: "float", doc: "Natural logarithm.", ref: (x) => Math.log(x),
    ...unary("logf", "torch.log", "math.log", "cute.math.log"),
    interval: { kind: "increasing", domainLo: 0 }, accuracy: "≤ 1 ulp (as exp: no approximate intrinsics)",
  },
  log2: {
    params: X, args: "number", result: "float", doc: "Base-2 logarithm.", ref: (x) => Math.log2(x),
    ...unary("log2f", "torch.log2", "math.log2", "cute.math.log2"),
    interval: { kind: "increasing", domainLo: 0 }, accuracy: "≤ 1 ulp (as exp: no approximate intrinsics)",
  },
  tanh: {
    params: X, args: "number", result: "float", doc: "Hyperbolic tangent.", ref: (x) => Math.tanh(x),
    ...unary("tanhf", "torch.tanh", "math.tanh", "cute.math.tanh"),
    interval: { kind: "increasing" }, accuracy: "≤ 2 ulp. `tanh.approx.f32` has about 2⁻¹¹ relative error: for soft-capping (`30·tanh(s/30)`) that is about 0.015 absolute " +
      "on the score, the size of a bf16 rounding step, and would break the bf16-tolerance check against FlexAttention and the float64 reference",
  },
  sigmoid: {
    params: X, args: "number", result: "float", doc: "1 / (1 + e^-x).", ref: (x) => 1 / (1 + Math.exp(-x)),
    cuda: { float: ([x]) => `(1.0f / (1.0f + expf(-${x})))` },
    flex: { float: ([x]) => (x!.lit ? `_sigmoid(${x!.code})` : `torch.sigmoid(${x!.code})`) },
    fa4: { float: ([x], c) => `(${c.float(1)} / (${c.float(1)} + cute.math.exp(-${x})))` },
    interval: { kind: "increasing" },
    accuracy: "≤ 4 ulp in CUDA: `expf` (≤ 2 ulp), one rounding for 1 + e^-x and a correctly rounded `/` (not `sm_fdiv`); " +
      "FA4 the same formula over `cute.math.exp`; Flex `torch.sigmoid`. Never an approximate exp (same reasoning as tanh)",
  },
  sqrt: {
    params: X, args: "number", result: "float", doc: "Square root.", ref: (x) => Math.sqrt(x),
    ...unary("sqrtf", "torch.sqrt", "math.sqrt", "cute.math.sqrt"),
    interval: { kind: "increasing", domainLo: 0 }, accuracy: "correctly rounded",
  },
  rsqrt: {
    params: X, args: "number", result: "float", doc: "1 / sqrt(x).", ref: (x) => 1 / Math.sqrt(x),
    cuda: { float: ([x]) => `rsqrtf(${x})` },
    flex: { float: ([x]) => (x!.lit ? `_rsqrt(${x!.code})` : `torch.rsqrt(${x!.code})`) },
    fa4: { float: ([x]) => `cute.math.rsqrt(${x})` },
    interval: { kind: "custom" }, accuracy: "≤ 2 ulp",
  },
  sin: {
    params: X, args: "number", result: "float", doc: "Sine (radians).", ref: (x) => Math.sin(x),
    ...unary("sinf", "torch.sin", "math.sin", "cute.math.sin"),
    interval: { kind: "range", lo: -1, hi: 1 }, accuracy: "≤ 2 ulp, accurate range reduction",
  },
  cos: {
    params: X, args: "number", result: "float", doc: "Cosine (radians).", ref: (x) => Math.cos(x),
    ...unary("cosf", "torch.cos", "math.cos", "cute.math.cos"),
    interval: { kind: "range", lo: -1, hi: 1 }, accuracy: "≤ 2 ulp, accurate range reduction",
  },
  abs: {
    params: X, args: "number", result: "same", doc: "Absolute value (int when x is int).", ref: (x) => Math.abs(x),
    cuda: { float: ([x]) => `fabsf(${x})`, int: ([x]) => `abs(${x})` },
    flex: { float: ([x]) => (x!.lit ? `abs(${x!.code})` : `torch.abs(${x!.code})`), int: ([x]) => (x!.lit ? `abs(${x!.code})` : `torch.abs(${x!.code})`) },
    fa4: { float: ([x]) => `_abs_f(${x})`, int: ([x]) => `_abs_i(${x})` },
    interval: { kind: "custom" }, accuracy: "exact",
  },
  min: {
    params: AB, args: "number", result: "same", doc: "The smaller argument (int when both are int).", ref: (a, b) => Math.min(a, b),
    cuda: { float: ([a, b]) => `fminf(${a}, ${b})`, int: ([a, b]) => `min(${a}, ${b})` },
    flex: { float: (a) => pyMinMax("min", a), int: (a) => pyMinMax("min", a) },
    fa4: { float: ([a, b]) => `_min(${a}, ${b})`, int: ([a, b]) => `_min(${a}, ${b})` },
    interval: { kind: "custom" }, accuracy: "exact",
  },
  max: {
    params: AB, args: "number", result: "same", doc: "The larger argument (int when both are int).", ref: (a, b) => Math.max(a, b),
    cuda: { float: ([a, b]) => `fmaxf(${a}, ${b})`, int: ([a, b]) => `max(${a}, ${b})` },
    flex: { float: (a) => pyMinMax("max", a), int: (a) => pyMinMax("max", a) },
    fa4: { float: ([a, b]) => `_max(${a}, ${b})`, int: ([a, b]) => `_max(${a}, ${b})` },
    interval: { kind: "custom" }, accuracy: "exact",
  },
  floor: {
    params: X, args: "number", result: "float", doc: "Round toward -inf. The result is float; on an int argument it is the argument.", ref: (x) => Math.floor(x),
    cuda: { float: ([x]) => `floorf(${x})`, int: same },
    flex: { float: ([x]) => (x!.lit ? `math.floor(${x!.code})` : `torch.floor(${x!.code})`), int: ([x]) => x!.code },
    fa4: { float: ([x]) => `cute.math.floor(${x})`, int: same },
    interval: { kind: "custom" }, accuracy: "exact",
  },
  ceil: {
    params: X, args: "number", result: "float", doc: "Round toward +inf. The result is float; on an int argument it is the argument.", ref: (x) => Math.ceil(x),
    cuda: { float: ([x]) => `ceilf(${x})`, int: same },
    flex: { float: ([x]) => (x!.lit ? `math.ceil(${x!.code})` : `torch.ceil(${x!.code})`), int: ([x]) => x!.code },
    fa4: { float: ([x]) => `cute.math.ceil(${x})`, int: same },
    interval: { kind: "custom" }, accuracy: "exact",
  },
  idiv: {
    params: AB, args: "int", result: "same",
    doc: "Integer division truncating toward zero (C semantics); `%` is the matching remainder.",
    ref: idiv64,
    // C truncation, the DSL's documented semantics (and what `%` pairs with).
    cuda: { float: ([a, b]) => `truncf(${a} / ${b})`, int: ([a, b]) => `(${a} / ${b})` },
    // torch.div(..., rounding_mode="trunc") inside _trunc_div (Python's // floors).
    flex: { float: ([a, b]) => `_trunc_div(${a!.code}, ${b!.code})`, int: ([a, b]) => `_trunc_div(${a!.code}, ${b!.code})` },
    fa4: { float: ([a, b]) => `_trunc_f(${a} / ${b})`, int: ([a, b]) => `_trunc_div(${a}, ${b})` },
    interval: { kind: "custom" }, accuracy: "exact: the DSL's documented C truncation. IEEE division (not `sm_fdiv`), because truncating a 2-ulp quotient could land on the wrong integer",
  },
  erf: {
    params: X, args: "number", result: "float", doc: "The error function, 2/sqrt(pi) * integral from 0 to x of e^(-t^2) dt.",
    ref: erf64,
    ...unary("erff", "torch.erf", "math.erf", "cute.math.erf"),
    interval: { kind: "increasing" },
    accuracy: "reference: `erf64` (series / continued fraction), within 4 ulp of float64 (6e-16 relative). CUDA `erff`: ≤ 2 ulp; Flex `torch.erf`; FA4 `cute.math.erf`",
  },
  log1p: {
    params: X, args: "number", result: "float", doc: "log(1 + x), accurate for small x.", ref: (x) => Math.log1p(x),
    cuda: { float: ([x]) => `log1pf(${x})` },
    flex: { float: ([x]) => (x!.lit ? `math.log1p(${x!.code})` : `torch.log1p(${x!.code})`) },
    // CuTe DSL's math module has no log1p: log(1 + x), as sigmoid is written through exp.
    fa4: { float: ([x], c) => `cute.math.log(${c.float(1)} + ${x})` },
    interval: { kind: "increasing", domainLo: -1 },
    accuracy: "CUDA `log1pf`: ≤ 1 ulp; Flex `torch.log1p`. FA4 has no log1p: `log(1 + x)`, which loses relative accuracy for |x| below ~1e-4 (1 + x rounds in f32)",
  },
  expm1: {
    params: X, args: "number", result: "float", doc: "e^x - 1, accurate for small x.", ref: (x) => Math.expm1(x),
    cuda: { float: ([x]) => `expm1f(${x})` },
    flex: { float: ([x]) => (x!.lit ? `math.expm1(${x!.code})` : `torch.expm1(${x!.code})`) },
    // CuTe DSL's math module has no expm1: exp(x) - 1.
    fa4: { float: ([x], c) => `(cute.math.exp(${x}) - ${c.float(1)})` },
    interval: { kind: "increasing" },
    accuracy: "CUDA `expm1f`: ≤ 1 ulp; Flex `torch.expm1`. FA4 has no expm1: `exp(x) - 1`, which loses relative accuracy for |x| below ~1e-4 (absolute error stays ~1e-7)",
  },
  clamp: {
    params: ["x", "lo", "hi"], args: "number", result: "same",
    doc: "min(max(x, lo), hi): x limited to [lo, hi] (int when every argument is int).",
    ref: (x, lo, hi) => Math.min(Math.max(x, lo), hi),
    // Written as the composition it is defined as, so NaN and lo > hi behave as min/max do.
    cuda: { float: ([x, lo, hi]) => `fminf(fmaxf(${x}, ${lo}), ${hi})`, int: ([x, lo, hi]) => `min(max(${x}, ${lo}), ${hi})` },
    flex: { float: (a) => pyClamp(a), int: (a) => pyClamp(a) },
    fa4: { float: ([x, lo, hi]) => `_min(_max(${x}, ${lo}), ${hi})`, int: ([x, lo, hi]) => `_min(_max(${x}, ${lo}), ${hi})` },
    interval: { kind: "custom" }, accuracy: "exact",
  },
  pow: {
    params: ["x", "n"], args: "number", result: "float",
    doc: `x^n for an integer constant n in [-${POW_MAX_EXPONENT}, ${POW_MAX_EXPONENT}] (a literal or a module-level const), computed by repeated multiplication.`,
    ref: powInt64,
    constInt: { index: 1, lo: -POW_MAX_EXPONENT, hi: POW_MAX_EXPONENT },
    // Binary exponentiation unrolled at compile time (the exponent is a literal), the same
    // products in the same order in CUDA and FA4; 1/x^|n| for n < 0.
    cuda: { float: ([x, n]) => `sm_powi<${n}>(${x})` },
    flex: { float: ([x, n]) => (x!.lit ? `_powi(${x!.code}, ${n!.code})` : `torch.pow(${x!.code}, ${n!.code})`) },
    fa4: { float: ([x, n], c) => `_powi(${x}, ${n}, ${c.float(1)})` },
    interval: { kind: "custom" },
    accuracy: "x^n is a product of |n| exact factors with |n| - 1 roundings, so its relative error is below (|n| - 1)·2⁻²⁴ " +
      "(< 2e-6 at |n| = 32; one more correctly rounded division for n < 0), without pow's log/exp error growth. " +
      "CUDA and FA4 multiply in the same order (binary exponentiation); Flex `torch.pow(x, n)`",
  },
} as const satisfies Record<string, MathFnSpec>;

/** The DSL's math function names. */
export type MathFn = keyof typeof MATH_FNS;

/** Every math function's spec, typed as the general shape. */
export const MATH_SPECS: Readonly<Record<MathFn, MathFnSpec>> = MATH_FNS;

/** The math function names, in table order. */
export const MATH_FN_NAMES = Object.keys(MATH_FNS) as MathFn[];

export function isMathFn(s: string | null | undefined): s is MathFn {
  return typeof s === "string" && Object.prototype.hasOwnProperty.call(MATH_FNS, s);
}

/** "exp, exp2, ..." for messages. */
export const MATH_FNS_TEXT = MATH_FN_NAMES.join(", ");

/** A backend's lowering for the argument types: the variant and the type it computes in. */
export function pickVariant<F>(v: Variants<F>, allInt: boolean): { fn: F; ty: NumTy } {
  return allInt && v.int ? { fn: v.int, ty: "int" } : { fn: v.float, ty: "float" };
}

function pyMinMax(fn: "min" | "max", [a, b]: readonly PyArg[]): string {
  if (a!.lit && b!.lit) return `${fn}(${a!.code}, ${b!.code})`;
  const bound = fn === "min" ? "max" : "min";
  if (a!.lit || b!.lit) {
    const [x, c] = a!.lit ? [b!, a!] : [a!, b!];
    return `torch.clamp(${x.code}, ${bound}=${c.code})`;
  }
  return `torch.${fn === "min" ? "minimum" : "maximum"}(${a!.code}, ${b!.code})`;
}

/** clamp in Flex: min(max(x, lo), hi) through pyMinMax (torch.clamp for tensor x, constant bounds). */
function pyClamp([x, lo, hi]: readonly PyArg[]): string {
  const inner = { code: pyMinMax("max", [x!, lo!]), lit: x!.lit && lo!.lit };
  return pyMinMax("min", [inner, hi!]);
}

// ---------------------------------------------------------------------------------------------
// The aux dtypes. How each is rounded and encoded is dtypes.ts's (the float64 side) and the
// generated code's (codegen/prelude.ts unpacks, pySample.ts stores); this table is what every
// list of them reads.

export interface DTypeSpec {
  /** Bytes per element in device memory (bool is one byte, 0 or 1). */
  readonly bytes: number;
  /** The lane value after a load: what the analysis types `t.at(...)` as. */
  readonly lane: "float" | "int" | "bool";
  /** The torch dtype the Flex export and the runner's Python side allocate. */
  readonly torch: string;
  /** What the Flex export appends to a load to compute in its lane type (float32 / int32). */
  readonly flexUpcast: string;
}

export const DTYPES = {
  bf16: { bytes: 2, lane: "float", torch: "torch.bfloat16", flexUpcast: ".float()" },
  f16: { bytes: 2, lane: "float", torch: "torch.float16", flexUpcast: ".float()" },
  f32: { bytes: 4, lane: "float", torch: "torch.float32", flexUpcast: "" },
  i32: { bytes: 4, lane: "int", torch: "torch.int32", flexUpcast: "" },
  u8: { bytes: 1, lane: "int", torch: "torch.uint8", flexUpcast: ".to(torch.int32)" },
  // u32 is held as int32 with the same bits, as the CUDA reads it.
  u32: { bytes: 4, lane: "int", torch: "torch.int32", flexUpcast: "" },
  // PyTorch's default index dtype. Lanes are the DSL's 32-bit ints: the value saturated to int32
  // (the CUDA's sm_sat_i32), so an out-of-range index never wraps onto a valid one.
  i64: { bytes: 8, lane: "int", torch: "torch.int64", flexUpcast: ".clamp(-2147483648, 2147483647).to(torch.int32)" },
  u16: { bytes: 2, lane: "int", torch: "torch.uint16", flexUpcast: ".to(torch.int32)" },
  i8: { bytes: 1, lane: "int", torch: "torch.int8", flexUpcast: ".to(torch.int32)" },
  bool: { bytes: 1, lane: "bool", torch: "torch.bool", flexUpcast: "" },
} as const satisfies Record<string, DTypeSpec>;

/** Element types an aux tensor can hold (runtime/index.d.ts's DTypeName is generated from it). */
export type DTypeName = keyof typeof DTYPES;
export const DTYPE_SPECS: Readonly<Record<DTypeName, DTypeSpec>> = DTYPES;
export const DTYPE_NAMES = Object.keys(DTYPES) as DTypeName[];
export const DTYPES_TEXT = `${DTYPE_NAMES.slice(0, -1).join(", ")} or ${DTYPE_NAMES[DTYPE_NAMES.length - 1]}`;
/** "i32, u8, ..." : the integer dtypes, for messages. */
export const INT_DTYPES_TEXT = DTYPE_NAMES.filter((n) => DTYPE_SPECS[n].lane === "int").join(", ");
export function isDTypeName(s: unknown): s is DTypeName {
  return typeof s === "string" && Object.prototype.hasOwnProperty.call(DTYPES, s);
}
