// Shared by the frontend's tests: a compact printer for the IR and a file template with a
// standard set of declarations, so table rows only show the part under test.
import type { Expr, Stmt } from "../../../server/src/analysis/ir";
import { MATH_FN_NAMES } from "../../../runtime/src/vocabulary";

const T = { int: "i", float: "f", bool: "b" } as const;

/** `(+ s:f (at#0 kvBias b:i h:i kv:i):f):f`: every node with its type. */
export function showExpr(e: Expr): string {
  const t = `:${T[e.ty]}`;
  switch (e.k) {
    case "num": return `${e.value}${t}`;
    case "bool": return `${e.value}${t}`;
    case "arg": return `${e.text}${t}`;
    case "dim": return `dim(${e.name})${t}`;
    case "scalar": return `$${e.name}${t}`;
    case "local": return `${e.name}${t}`;
    case "load": return `(at#${e.loadId} ${e.tensor} ${e.idx.map(showExpr).join(" ")})${t}`;
    case "unary": return `(${e.op} ${showExpr(e.a)})${t}`;
    case "binary": return `(${e.op} ${showExpr(e.a)} ${showExpr(e.b)})${t}`;
    case "call": return `(${e.fn} ${e.args.map(showExpr).join(" ")})${t}`;
    case "cond": return `(? ${showExpr(e.c)} ${showExpr(e.a)} ${showExpr(e.b)})${t}`;
  }
}

export function showStmts(ss: Stmt[]): string {
  return ss.map((s) => {
    if (s.k === "const") return `const ${s.name} = ${showExpr(s.value)};`;
    if (s.k === "return") return `return ${showExpr(s.value)};`;
    return `if ${showExpr(s.cond)} { ${showStmts(s.then)} } else { ${showStmts(s.else)} }`;
  }).join(" ");
}

/** Every DSL export, a few tensors/scalars/consts: rows add their own mods below it. */
export const HEADER = `import { tensor, scalar, dim, scoreMod, maskMod, bf16, f16, f32, i32, u8, u32, bool,
  ${MATH_FN_NAMES.join(", ")} } from "scoremod";
export const kvBias = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });
export const ids = tensor("ids", i32, ["B", "KV"]);
export const flags = tensor("flags", bool, ["B", "KV"]);
export const cap = scalar("cap", f32, 30);
export const win = scalar("win", i32, 128);
const W = 256;
const HALF = 0.5;
`;
