// Reads the literal arguments of `tensor(...)` and `scalar(...)` declarations into facts, and
// locates options objects for code actions. Anything that is not a literal of the expected
// shape is a located SM117/SM118 error (TypeScript reports plain type errors itself).
import { ts } from "ts-morph";
import type { DTypeName, OptionsSite, Poly, ScalarFact, TensorFact } from "./facts";
import type { Range } from "./ir";
import { SM } from "./codes";
import { isPow2 } from "./poly";
import { DTYPE_NAMES, DTYPE_SPECS } from "scoremod/vocabulary";
import { parseStride, symbolicStrides } from "scoremod/layout";
import { Scope, propName, unwrap } from "./extract-scope";
import { rangeOf } from "./program";

export const DTYPE_BYTES: Record<DTypeName, number> =
  Object.fromEntries(DTYPE_NAMES.map((n) => [n, DTYPE_SPECS[n].bytes])) as Record<DTypeName, number>;
const DTYPES = DTYPE_NAMES.join(", ");
const INT_DTYPES = DTYPE_NAMES.filter((n) => DTYPE_SPECS[n].lane === "int");
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isDType(s: string | null): s is DTypeName {
  return s !== null && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, s);
}

/**
 * Where a call's options object is. With no options object, `insertAt` is a zero-width range
 * where a new argument goes: for tensor()/scalar() right after the last argument (insert
 * `, { ... }`), for scoreMod()/maskMod() at the start of the function argument (insert
 * `{ ... }, `). With one, `insertAt` is just before its closing brace (to add a property).
 */
export function optionsSite(s: Scope, obj: ts.Expression | undefined, insertPos: number): OptionsSite {
  const e = obj ? unwrap(obj) : undefined;
  if (!e || !ts.isObjectLiteralExpression(e)) {
    return { range: null, text: null, props: {}, insertAt: rangeOf(s.sf, insertPos, insertPos) };
  }
  const props: Record<string, Range> = {};
  for (const p of e.properties) {
    if (!ts.isPropertyAssignment(p)) continue;
    const key = propName(p.name);
    if (key !== null) props[key] = s.range(p.initializer);
  }
  const close = Math.max(e.getStart(s.sf), e.getEnd() - 1);
  return { range: s.range(e), text: s.text(e), props, insertAt: rangeOf(s.sf, close, close) };
}

/** Row-major strides with `lead` (if given) moved innermost, as FA4's `__leading_dim__`: the runtime's rule. */
export function defaultStrides(shape: (string | number)[], lead: number | null): Poly[] {
  return symbolicStrides(shape, lead === null ? {} : { leadingDim: lead });
}

function isUnit(p: Poly): boolean { return p.length === 1 && p[0].c === 1 && p[0].vars.length === 0; }

export function readTensor(s: Scope, varName: string, call: ts.CallExpression, declRange: Range): TensorFact | null {
  const [nameArg, dtypeArg, shapeArg, optArg] = call.arguments;
  if (!nameArg || !dtypeArg || !shapeArg) return null; // TypeScript reports the arity
  let ok = true;
  const bad = (node: ts.Node, msg: string) => { s.error(node, SM.badTensorDecl, msg); ok = false; };

  const name = s.literal(nameArg);
  if (typeof name !== "string" || !IDENT.test(name)) {
    bad(nameArg, "tensor name must be a string literal that is a valid identifier, e.g. \"kv_bias\" (it names the kernel argument)");
  }
  const dtype = s.dslName(dtypeArg);
  if (!isDType(dtype)) bad(dtypeArg, `tensor dtype must be one of ${DTYPES}, imported from "scoremod"`);

  const shape: (string | number)[] = [];
  const sh = unwrap(shapeArg);
  if (!ts.isArrayLiteralExpression(sh)) bad(shapeArg, "tensor shape must be an array literal of dim names and sizes, e.g. [\"B\", \"H\", \"KV\"]");
  else for (const el of sh.elements) {
    const v = s.literal(el);
    if (typeof v === "string" && IDENT.test(v)) shape.push(v);
    else if (typeof v === "number" && Number.isSafeInteger(v) && v >= 1) shape.push(v);
    else bad(el, "a dim must be a name such as \"KV\" or a positive integer size");
  }

  const elemBytes = isDType(dtype) ? DTYPE_BYTES[dtype] : 1;
  let align = elemBytes, alignExplicit = false, lead: number | null = null, strides: Poly[] | null = null;
  const divisible: Record<string, number> = {};
  let init: unknown = undefined;
  let values: [number, number] | null = null;
  const opt = optArg ? unwrap(optArg) : undefined;
  if (opt && !ts.isObjectLiteralExpression(opt)) bad(opt, "tensor options must be an object literal, e.g. { align: 16 }");
  if (opt && ts.isObjectLiteralExpression(opt)) {
    for (const p of opt.properties) {
      if (!ts.isPropertyAssignment(p)) { bad(p, "tensor options must be plain `key: value` properties"); continue; }
      const key = propName(p.name);
      const v = s.literal(p.initializer);
      if (key === "align") {
        if (typeof v === "number" && isPow2(v)) { align = v; alignExplicit = true; }
        else bad(p.initializer, "align must be a power of two number of bytes, e.g. 16");
      } else if (key === "leadingDim") {
        if (typeof v === "number" && Number.isInteger(v) && v >= 0 && v < shape.length) lead = v;
        else bad(p.initializer, `leadingDim must be a dim index from 0 to ${Math.max(0, shape.length - 1)}`);
      } else if (key === "strides") {
        strides = readStrides(s, p.initializer, shape.length, bad);
      } else if (key === "divisible") {
        if (v && typeof v === "object" && !Array.isArray(v)) {
          for (const [d, n] of Object.entries(v as Record<string, unknown>)) {
            if (typeof n === "number" && Number.isSafeInteger(n) && n >= 1) divisible[d] = n;
            else bad(p.initializer, `divisible.${d} must be a positive integer (the dim is a multiple of it)`);
          }
        } else bad(p.initializer, "divisible must be an object literal such as { KV: 8 } (KV % 8 == 0)");
      } else if (key === "values") {
        if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === "number" && Number.isSafeInteger(x)) && (v[0] as number) < (v[1] as number)) {
          if (isDType(dtype) && DTYPE_SPECS[dtype].lane === "int") values = [v[0] as number, v[1] as number];
          else bad(p.initializer, `values is for integer tensors (${INT_DTYPES.join(", ")}): the range of the indices they hold`);
        } else bad(p.initializer, "values must be [lo, hi] with integers lo < hi: every element lies in [lo, hi)");
      } else if (key === "init") {
        if (v === undefined) bad(p.initializer, "init must be a literal, e.g. { normal: { std: 1 } } or { range: [0, 16] }");
        init = v;
      }
    }
    if (strides && lead !== null) bad(opt, "give either strides or leadingDim, not both");
  }
  if (!ok || typeof name !== "string" || !isDType(dtype)) return null;
  const st = strides ?? defaultStrides(shape, lead);
  const unit = st.findIndex(isUnit);
  return {
    varName, name, dtype, elemBytes, shape, strides: st, unitStrideDim: unit < 0 ? null : unit,
    align, alignExplicit, divisible, init, values, range: declRange,
    options: optionsSite(s, optArg, (call.arguments[call.arguments.length - 1] ?? call).getEnd()),
  };
}

function readStrides(s: Scope, e: ts.Expression, rank: number, bad: (n: ts.Node, m: string) => void): Poly[] | null {
  const arr = unwrap(e);
  const msg = `strides must be an array literal of ${rank} entries, each a number or a sum of products of dims such as "H*KV" or "2*KV + 8"`;
  if (!ts.isArrayLiteralExpression(arr) || arr.elements.length !== rank) { bad(e, msg); return null; }
  const out: Poly[] = [];
  for (const el of arr.elements) {
    const v = s.literal(el);
    let p: Poly | null = null;
    if (typeof v === "number" || typeof v === "string") {
      try { p = parseStride(v); } catch { p = null; }
    }
    if (!p) { bad(el, msg); return null; }
    out.push(p);
  }
  return out;
}

export function readScalar(s: Scope, varName: string, call: ts.CallExpression, declRange: Range): ScalarFact | null {
  const [nameArg, dtypeArg, defArg] = call.arguments;
  if (!nameArg || !dtypeArg || !defArg) return null;
  let ok = true;
  const name = s.literal(nameArg);
  if (typeof name !== "string" || !IDENT.test(name)) {
    s.error(nameArg, SM.badScalarDecl, "scalar name must be a string literal that is a valid identifier, e.g. \"cap\"");
    ok = false;
  }
  const dtype = s.dslName(dtypeArg);
  if (dtype !== "f32" && dtype !== "i32") {
    s.error(dtypeArg, SM.badScalarDecl, "scalar dtype must be f32 or i32, imported from \"scoremod\"");
    ok = false;
  }
  const def = s.constant(defArg);
  if (!def || typeof def.value !== "number" || !Number.isFinite(def.value)
    || (dtype === "i32" && !Number.isInteger(def.value))) {
    s.error(defArg, SM.badScalarDecl, `scalar default must be a constant ${dtype === "i32" ? "integer" : "number"}`);
    ok = false;
  }
  if (!ok || typeof name !== "string" || (dtype !== "f32" && dtype !== "i32") || !def) return null;
  return { varName, name, dtype, defaultValue: def.value as number, range: declRange };
}
