// Stable codes of the analysis frontend's own diagnostics (SM1xx). Each has a page under
// docs/diagnostics/<code>.md saying what it means and how to fix it. Codes are never reused:
// retire a code rather than give it a new meaning. (The classifier's codes live in its module.)
export const SM = {
  /** Syntax a mod body cannot contain (strings, objects, element access, ...). */
  unsupportedSyntax: "SM100",
  /** A call that is neither a DSL math function, `t.at(...)` nor `dim("NAME")`. */
  unsupportedCall: "SM101",
  /** while / do / for-in / for-of loops (a `for` with constant bounds is unrolled: SM183, SM184). */
  loop: "SM102",
  /** Assignment, ++/--, `let` or `var`. */
  mutation: "SM103",
  /** A function or arrow inside a mod body. */
  closure: "SM104",
  /** A name that is not a parameter, local const, module numeric const, tensor or scalar. */
  unknownName: "SM105",
  /** A float (or bool) expression used as a tensor index. */
  floatIndex: "SM106",
  /** vecSize is not a constant. */
  vecSizeNotConstant: "SM107",
  // SM108, SM109 (vecSize value rules) are not used: the classifier's SM201-SM203 own them.
  /** `%`, idiv or a bitwise operator applied to a float. */
  intOpOnFloat: "SM110",
  /** A mod body with a path that returns nothing. */
  missingReturn: "SM111",
  /** A mask mod returning a number. */
  maskNotBool: "SM112",
  /** A score mod returning a boolean. */
  scoreNotNumber: "SM113",
  /** `.at(...)` on something that is not a declared tensor. */
  unknownTensor: "SM114",
  /** `.value` on something that is not a declared scalar, or a scalar used without `.value`. */
  unknownScalar: "SM115",
  /** `dim(...)` without a string literal naming a dim. */
  dimNotLiteral: "SM116",
  /** A tensor(...) declaration whose arguments are not literals of the expected shape. */
  badTensorDecl: "SM117",
  /** A scalar(...) declaration whose arguments are not literals of the expected shape. */
  badScalarDecl: "SM118",
  /** A scoreMod/maskMod whose function or parameters cannot be analysed. */
  badModDecl: "SM119",
  /** Mixing booleans and numbers (arithmetic on a bool, `&&` on numbers, ...). */
  typeMismatch: "SM120",
  /** Code after a return. */
  unreachable: "SM122",
  /** Two tensors or scalars with the same declared name. */
  duplicateName: "SM123",
  /** Two mods whose names become one identifier in generated CUDA or Python, or a mod named like an export helper. */
  nameCollision: "SM127",
  /** A DSL function (`idiv`, `dim`, ...) called in a mod body without being imported from "scoremod" (quick fix: import it). */
  notImported: "SM128",
  /** `&` or `|` between booleans, as written in Flex code (quick fix: `&&` / `||`). */
  flexBoolOp: "SM170",
  /** A math function argument that must be an integer constant (pow's exponent) is not one, or is out of range. */
  constIntArg: "SM171",
  /** A helper or mod that calls itself, directly or through others (they are inlined). */
  recursion: "SM180",
  /** A helper or mod that reads or writes mutable module state (a module-level let/var). */
  impure: "SM181",
  /** A mod too large once its helpers, mods and loops are inlined. */
  inlineLimit: "SM182",
  /** A `for` loop whose constant trip count is over the unrolling limit (64). */
  loopTooLong: "SM183",
  /** A `for` loop the analysis cannot unroll: bounds not constant, or not of the form `for (let i = A; i < B; i++)`. */
  loopForm: "SM184",
  /** An integer literal outside the 32-bit signed range. */
  intOutOfRange: "SM126",
  /** An invalid target or vecSize passed by the caller (CLI flag, editor setting). */
  badOption: "SM131",
  /** A file that declares no scoreMod or maskMod. */
  noMods: "SM140",
  /** An aux index that leaves its tensor at the problem shape (a concrete witness). */
  indexOutOfRange: "SM160",
  /** An aux index the analysis cannot prove in range at the problem shape (the runner checks it). */
  indexUnproven: "SM161",
  /** A load whose linear offset passes 2^31 - 1 at the problem shape (FA4's int32 index math wraps). */
  offsetOverflowsInt32: "SM162",
  /** With no problem shape: an aux index in range only when the sizes (or int scalars) satisfy a condition ("needs KV ≤ TOTAL_K"). */
  indexNeedsSizes: "SM163",
  /** A file nesting too deeply or too large for TypeScript to check in reasonable time. */
  tooComplex: "SM150",
  /** A file TypeScript could not parse and check within the analysis's time and memory budget. */
  overBudget: "SM151",
  /** TypeScript's checker failed an internal assertion on this (malformed) file. */
  checkerFailed: "SM152",
  /** A bug in the analysis: it caught its own exception. */
  internal: "SM199",
} as const;

export type SmCode = (typeof SM)[keyof typeof SM];

/** What a mod body may contain: appended to "unsupported" messages. */
export const SUPPORTED_SUMMARY =
  "a mod body may use numbers, + - * / %, comparisons, && || !, ternaries, const and let bindings, " +
  "if/else with return, for loops with constant bounds, calls of the file's helpers and mods, " +
  "t.at(...) loads, s.value scalars, dim(\"NAME\") and the math functions from \"scoremod\"";

export { MATH_FNS_TEXT } from "scoremod/vocabulary";
