// The header of a `for` loop the analysis unrolls: `for (let i = A; i < B; i++)` with A, B and
// the step constants (literals or module-level consts), so the trip count is known when the
// code is generated. The body is converted once per iteration by extract-body.ts; this module
// only decides the iteration values, or says why it cannot (a located SM183 / SM184).
import { ts } from "ts-morph";
import { SM } from "./codes";
import type { Scope } from "./extract-scope";
import { unwrap } from "./extract-scope";

/** Loops are unrolled: every iteration becomes straight-line code in one thread's registers. */
export const MAX_TRIP_COUNT = 64;

export type LoopHeader =
  | { ok: true; name: string; nameNode: ts.Identifier; values: number[] }
  | { ok: false; node: ts.Node; code: string; message: string };

const FORM = "write it as `for (let i = A; i < B; i++)` (also <=, > or >= and i += c / i -= c), with A, B and c integer literals or module-level consts";

/** The values the loop variable takes, in order, or the reason the loop cannot be unrolled. */
export function loopHeader(s: Scope, st: ts.ForStatement): LoopHeader {
  const bad = (node: ts.Node, why: string, code: string = SM.loopForm): LoopHeader => ({ ok: false, node, code, message: why });
  const init = st.initializer;
  if (!init || !ts.isVariableDeclarationList(init) || !(init.flags & ts.NodeFlags.Let) || init.declarations.length !== 1) {
    return bad(init ?? st, `this loop cannot be unrolled: ${FORM}`);
  }
  const d = init.declarations[0]!;
  if (!ts.isIdentifier(d.name) || !d.initializer) return bad(d, `this loop cannot be unrolled: ${FORM}`);
  const name = d.name.text;
  const start = intConst(s, d.initializer);
  if (start === null) return bad(d.initializer, `the loop's start value must be an integer constant (a literal or a module-level const): the loop is unrolled when the code is generated; ${FORM}`);

  // The test: i < B, i <= B, i > B, i >= B (or B > i, ...).
  const c = st.condition ? unwrap(st.condition) : undefined;
  if (!c || !ts.isBinaryExpression(c)) return bad(c ?? st, `the loop needs a test of the form i < B: ${FORM}`);
  const isVar = (e: ts.Expression) => { const u = unwrap(e); return ts.isIdentifier(u) && u.text === name; };
  const flip: Partial<Record<ts.SyntaxKind, ts.SyntaxKind>> = {
    [ts.SyntaxKind.LessThanToken]: ts.SyntaxKind.GreaterThanToken, [ts.SyntaxKind.GreaterThanToken]: ts.SyntaxKind.LessThanToken,
    [ts.SyntaxKind.LessThanEqualsToken]: ts.SyntaxKind.GreaterThanEqualsToken, [ts.SyntaxKind.GreaterThanEqualsToken]: ts.SyntaxKind.LessThanEqualsToken,
  };
  let op: ts.SyntaxKind = c.operatorToken.kind;
  let boundNode: ts.Expression;
  if (isVar(c.left)) boundNode = c.right;
  else if (isVar(c.right) && flip[op] !== undefined) { boundNode = c.left; op = flip[op]!; }
  else return bad(c, `the loop's test must compare ${name} with a constant: ${FORM}`);
  if (flip[op] === undefined) return bad(c.operatorToken, `the loop's test must be <, <=, > or >=: ${FORM}`);
  const bound = intConst(s, boundNode);
  if (bound === null) {
    return bad(boundNode, `the loop bound '${s.text(boundNode).slice(0, 40)}' is not a constant: the loop is unrolled when the code is generated, so its trip count must be known then (a literal or a module-level const, at most ${MAX_TRIP_COUNT}); for a run-time bound loop to the largest value and guard the body with if`);
  }

  // The step: i++, ++i, i--, --i, i += c, i -= c.
  const inc = st.incrementor ? unwrap(st.incrementor) : undefined;
  let step: number | null = null;
  if (inc && (ts.isPostfixUnaryExpression(inc) || ts.isPrefixUnaryExpression(inc)) && isVar(inc.operand)) {
    step = inc.operator === ts.SyntaxKind.PlusPlusToken ? 1 : inc.operator === ts.SyntaxKind.MinusMinusToken ? -1 : null;
  } else if (inc && ts.isBinaryExpression(inc) && isVar(inc.left)) {
    const k = intConst(s, inc.right);
    if (k !== null && k > 0 && inc.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) step = k;
    if (k !== null && k > 0 && inc.operatorToken.kind === ts.SyntaxKind.MinusEqualsToken) step = -k;
  }
  if (step === null) return bad(inc ?? st, `the loop's step must be ${name}++, ${name}--, ${name} += c or ${name} -= c with c a positive integer constant: ${FORM}`);

  const test = (v: number): boolean =>
    op === ts.SyntaxKind.LessThanToken ? v < bound : op === ts.SyntaxKind.LessThanEqualsToken ? v <= bound
      : op === ts.SyntaxKind.GreaterThanToken ? v > bound : v >= bound;
  const upward = op === ts.SyntaxKind.LessThanToken || op === ts.SyntaxKind.LessThanEqualsToken;
  if (test(start) && upward !== step > 0) {
    return bad(st.incrementor ?? st, `this loop never ends: ${name} starts at ${start} and moves away from its bound ${bound}`);
  }
  // Count without iterating (a bound of 2^31 must not spin): the last value the test accepts.
  const last = op === ts.SyntaxKind.LessThanToken ? bound - 1 : op === ts.SyntaxKind.GreaterThanToken ? bound + 1 : bound;
  const trips = test(start) ? Math.floor(Math.abs(last - start) / Math.abs(step)) + 1 : 0;
  if (trips > MAX_TRIP_COUNT) {
    return bad(st, `this loop runs ${trips} times; at most ${MAX_TRIP_COUNT} are allowed: the analysis unrolls every loop into straight-line code (one copy of the body per iteration, run for every score by one thread), so a long loop bloats the kernel and its registers. Read the result from an aux tensor, or split the work`, SM.loopTooLong);
  }
  const values: number[] = [];
  for (let i = 0, v = start; i < trips; i++, v += step) values.push(v);
  return { ok: true, name, nameNode: d.name, values };
}

function intConst(s: Scope, e: ts.Expression): number | null {
  const c = s.constant(e);
  return c && typeof c.value === "number" && c.ty === "int" && Math.abs(c.value) <= 2147483647 ? c.value : null;
}
