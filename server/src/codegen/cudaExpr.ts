// IR expressions -> CUDA C++ expressions. Types follow the IR (int = int32, float = f32, bool).
// The math mapping is documented in docs/codegen.md: accurate libdevice functions only, never
// the approximate intrinsics, so a lane's result does not depend on how it was compiled or on V.
import type { ArgRole, Expr, Ty } from "../analysis/ir";
import { MATH_SPECS, pickVariant } from "scoremod/vocabulary";

export interface CExprCtx {
  arg(role: ArgRole): string;
  local(name: string): string;
  dim(name: string): string;
  scalar(name: string): string;
  /** The C expression for a load (a hoisted lane value or an inline gather call). */
  load(e: Extract<Expr, { k: "load" }>): string;
  /** An int expression converted to float, when the context has a better spelling than a cast (float positions). */
  intToFloat?(e: Expr, code: string): string | undefined;
}

export class CodegenError extends Error {}

export function cType(ty: Ty): string {
  return ty === "float" ? "float" : ty === "int" ? "int" : "bool";
}

/** Convert a C expression of type `from` to type `to`. */
export function conv(code: string, from: Ty, to: Ty): string {
  if (from === to) return code;
  if (to === "bool") return `((${code}) != 0)`;
  if (to === "float") return `((float)(${code}))`;
  // to int: from float truncates toward zero (C cast), as JS's `| 0` would for in-range values.
  return `((int)(${code}))`;
}

/** A float literal that C parses to exactly the f32 nearest the IR's number (as Math.fround does). */
export function floatLit(v: number): string {
  if (Number.isNaN(v)) return "(__int_as_float(0x7fffffff))";
  if (v === Infinity) return "(__int_as_float(0x7f800000))";
  if (v === -Infinity) return "(__int_as_float(0xff800000))";
  const f = Math.fround(v);
  if (!Number.isFinite(f)) return v > 0 ? "(__int_as_float(0x7f800000))" : "(__int_as_float(0xff800000))";
  let s = String(f);
  // String(f) is the shortest double that round-trips f; as a C float literal it still rounds to f.
  if (!/[.e]/.test(s)) s += ".0";
  s += "f";
  return f < 0 || Object.is(f, -0) ? `(${s})` : s;
}

export function intLit(v: number): string {
  if (!Number.isInteger(v) || v > 2147483647 || v < -2147483648) {
    throw new CodegenError(`integer literal ${v} does not fit in int32`);
  }
  return v < 0 ? `(${v})` : String(v);
}

/** `e` as type `to`: its code converted, through the context's own int -> float spelling where it has one. */
export function emitAs(e: Expr, to: Ty, ctx: CExprCtx, code = emitExpr(e, ctx)): string {
  if (e.ty === "int" && to === "float") {
    const alt = ctx.intToFloat?.(e, code);
    if (alt !== undefined) return alt;
  }
  return conv(code, e.ty, to);
}

function isArith(op: string): boolean { return op === "+" || op === "-" || op === "*" || op === "/" || op === "%"; }
function isCompare(op: string): boolean { return ["<", "<=", ">", ">=", "==", "!="].includes(op); }

export function emitExpr(e: Expr, ctx: CExprCtx): string {
  switch (e.k) {
    case "num": return e.ty === "int" ? intLit(e.value) : e.ty === "bool" ? (e.value ? "true" : "false") : floatLit(e.value);
    case "bool": return conv(e.value ? "true" : "false", "bool", e.ty);
    case "arg": return e.role === "score" ? conv(ctx.arg("score"), "float", e.ty) : conv(ctx.arg(e.role), "int", e.ty);
    case "dim": return conv(ctx.dim(e.name), "int", e.ty);
    case "scalar": return ctx.scalar(e.name);
    case "local": return ctx.local(e.name);
    case "load": return ctx.load(e);
    case "unary": {
      if (e.op === "!") return `(!${conv(emitExpr(e.a, ctx), e.a.ty, "bool")})`;
      if (e.op === "~") return `(~${conv(emitExpr(e.a, ctx), e.a.ty, "int")})`;
      const t: Ty = e.ty === "bool" ? "int" : e.ty;
      return conv(`(-${emitAs(e.a, t, ctx)})`, t, e.ty);
    }
    case "binary": return emitBinary(e, ctx);
    case "call": return emitCall(e, ctx);
    case "cond": {
      const c = conv(emitExpr(e.c, ctx), e.c.ty, "bool");
      return `(${c} ? ${emitAs(e.a, e.ty, ctx)} : ${emitAs(e.b, e.ty, ctx)})`;
    }
  }
}

function emitBinary(e: Extract<Expr, { k: "binary" }>, ctx: CExprCtx): string {
  const op = e.op;
  const a = emitExpr(e.a, ctx), b = emitExpr(e.b, ctx);
  const as = (x: Expr, code: string, t: Ty): string => emitAs(x, t, ctx, code);
  if (op === "&&" || op === "||") return conv(`(${conv(a, e.a.ty, "bool")} ${op} ${conv(b, e.b.ty, "bool")})`, "bool", e.ty);
  if (isCompare(op)) {
    // Compare in float when either side is float (what JS does with numbers, in f32 here).
    const t: Ty = e.a.ty === "float" || e.b.ty === "float" ? "float" : e.a.ty === "bool" && e.b.ty === "bool" ? "bool" : "int";
    return conv(`(${as(e.a, a, t)} ${op} ${as(e.b, b, t)})`, "bool", e.ty);
  }
  if (op === "&" || op === "|" || op === "^" || op === "<<" || op === ">>") {
    return conv(`(${conv(a, e.a.ty, "int")} ${op} ${conv(b, e.b.ty, "int")})`, "int", e.ty);
  }
  if (isArith(op)) {
    // `/` is JS division: always in float. `%` truncates (JS and C agree): fmodf in float, % in int.
    const t: Ty = op === "/" || e.ty === "float" || e.a.ty === "float" || e.b.ty === "float" ? "float" : "int";
    const ca = as(e.a, a, t), cb = as(e.b, b, t);
    // Float `/` is div.full.f32 (sm_fdiv, prelude.ts): see docs/codegen.md for why not div.rn.
    const code = op === "%" && t === "float" ? `fmodf(${ca}, ${cb})` : op === "/" ? `sm_fdiv(${ca}, ${cb})` : `(${ca} ${op} ${cb})`;
    return conv(code, t, e.ty);
  }
  throw new CodegenError(`unsupported operator ${op}`);
}

function emitCall(e: Extract<Expr, { k: "call" }>, ctx: CExprCtx): string {
  const spec = MATH_SPECS[e.fn];
  if (e.args.length !== spec.params.length) throw new CodegenError(`${e.fn} takes ${spec.params.length} argument(s), got ${e.args.length}`);
  // The vocabulary's lowering (runtime/src/vocabulary.ts): the int variant when every argument is int.
  const { fn, ty } = pickVariant(spec.cuda, e.args.every((x) => x.ty === "int"));
  const args = e.args.map((x, i) => (i === spec.constInt?.index ? constIntArg(x) : emitAs(x, ty, ctx)));
  return conv(fn(args), ty, e.ty);
}

/** An argument the vocabulary requires to be an integer constant (pow's exponent), as a decimal literal. */
export function constIntArg(x: Expr): string {
  if (x.k !== "num" || !Number.isInteger(x.value)) throw new CodegenError("internal: a constant-integer argument is not an integer literal");
  return String(x.value);
}
