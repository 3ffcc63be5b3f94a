// From a parsed score_mod file to facts: every top-level `const` holding tensor(...),
// scalar(...), scoreMod(...) or maskMod(...) (exported or not), their literal arguments,
// and each mod's body as typed IR with its `.at()` loads in source order. Pure: no IO,
// never throws on any syntax tree TypeScript's parser produces.
import { ts } from "ts-morph";
import type { Diagnostic, OptionsSite, ScalarFact, TensorFact } from "./facts";
import type { Range, Stmt } from "./ir";
import { SM } from "./codes";
import { Scope, propName, unwrap, type HelperFn } from "./extract-scope";
import { optionsSite, readScalar, readTensor } from "./extract-decls";
import { convertMod, type ExtractedLoad } from "./extract-body";

export type { ExtractedLoad } from "./extract-body";

export interface ExtractedMod {
  name: string;
  kind: "score" | "mask";
  range: Range;
  nameRange: Range;
  options: OptionsSite;
  /** options.vecSize when it is a constant (any number: the classifier checks its value); null when absent or not constant. */
  vecSize: number | null;
  params: string[];
  body: Stmt[];
  loads: ExtractedLoad[];
  /** False when the declaration or body has an SM error: the IR is incomplete. */
  ok: boolean;
  /** The other mods of the file whose bodies this one inlines (it calls them). */
  inlines: string[];
}

export interface Extraction {
  tensors: TensorFact[];
  scalars: ScalarFact[];
  mods: ExtractedMod[];
  /** File-wide divisibility facts: dim -> lcm of the declared multiples. */
  divisible: Record<string, number>;
  diagnostics: Diagnostic[];
}

type DeclKind = "tensor" | "scalar" | "scoreMod" | "maskMod";
interface Decl { name: ts.Identifier; decl: ts.VariableDeclaration; call: ts.CallExpression; kind: DeclKind }

function gcd(a: number, b: number): number { while (b) [a, b] = [b, a % b]; return a; }

export function extract(sf: ts.SourceFile): Extraction {
  const s = new Scope(sf);
  const decls: Decl[] = [];
  // Pass 1: every top-level const is a global (so mods may use consts declared after them).
  for (const st of sf.statements) {
    misplacedDeclaration(s, st);
    if (ts.isFunctionDeclaration(st) && st.name && st.body) s.globals.set(st.name.text, { kind: "helper", fn: st });
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name)) continue;
      const init = d.initializer ? unwrap(d.initializer) : undefined;
      const fn = init && ts.isCallExpression(init) ? s.dslName(init.expression) : null;
      if (init && ts.isCallExpression(init) && (fn === "tensor" || fn === "scalar" || fn === "scoreMod" || fn === "maskMod")) {
        decls.push({ name: d.name, decl: d, call: init, kind: fn });
        s.globals.set(d.name.text, fn === "tensor" ? { kind: "tensor", fact: null }
          : fn === "scalar" ? { kind: "scalar", fact: null }
          : { kind: "mod", modKind: fn === "scoreMod" ? "score" : "mask", fn: modFunction(s, init) });
      } else if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
        s.globals.set(d.name.text, { kind: "helper", fn: init });
      } else {
        s.globals.set(d.name.text, { kind: "const", init: d.initializer });
      }
    }
  }

  // Pass 2: tensors and scalars (their arguments may use module consts).
  const tensors: TensorFact[] = [];
  const scalars: ScalarFact[] = [];
  const kernelNames = new Map<string, string>();
  const claim = (name: string, varName: string, node: ts.Node): boolean => {
    const prev = kernelNames.get(name);
    if (prev !== undefined) {
      s.error(node, SM.duplicateName, `'${name}' is already the name of ${prev}: tensors and scalars need distinct names (they become kernel arguments)`);
      return false;
    }
    kernelNames.set(name, varName);
    return true;
  };
  for (const d of decls) {
    const varName = d.name.text;
    if (d.kind === "tensor") {
      const fact = readTensor(s, varName, d.call, s.range(d.decl));
      if (fact && claim(fact.name, varName, d.call.arguments[0])) {
        tensors.push(fact);
        s.globals.set(varName, { kind: "tensor", fact });
      }
    } else if (d.kind === "scalar") {
      const fact = readScalar(s, varName, d.call, s.range(d.decl));
      if (fact && claim(fact.name, varName, d.call.arguments[0])) {
        scalars.push(fact);
        s.globals.set(varName, { kind: "scalar", fact });
      }
    }
  }

  // Pass 3: mods.
  const mods: ExtractedMod[] = [];
  for (const d of decls) {
    if (d.kind !== "scoreMod" && d.kind !== "maskMod") continue;
    const m = readMod(s, d);
    if (m) mods.push(m);
  }

  const divisible: Record<string, number> = {};
  for (const t of tensors) for (const [dim, n] of Object.entries(t.divisible)) {
    const prev = divisible[dim];
    divisible[dim] = prev === undefined ? n : (prev / gcd(prev, n)) * n;
  }
  return { tensors, scalars, mods, divisible, diagnostics: dedupeDiagnostics(s.diagnostics) };
}

/**
 * A helper inlined twice, a loop body unrolled, or a mod's load seen again in a mod that calls
 * it, reports its diagnostic once.
 */
export function dedupeDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The function a scoreMod/maskMod call declares: its last argument, a helper's, or an andMasks/orMasks call. */
export function modFunction(s: Scope, call: ts.CallExpression): HelperFn | ts.CallExpression | null {
  const a = call.arguments;
  if (a.length < 1 || a.length > 2) return null;
  const last = unwrap(a[a.length - 1]!);
  if (ts.isArrowFunction(last) || ts.isFunctionExpression(last)) return last;
  if (ts.isCallExpression(last)) {
    const fn = s.dslName(last.expression);
    if (fn === "andMasks" || fn === "orMasks") return last;
  }
  // `maskMod(isCausal)`: a helper of the file (declared anywhere: read after pass 1).
  if (ts.isIdentifier(last)) {
    for (const st of s.sf.statements) {
      if (ts.isFunctionDeclaration(st) && st.name?.text === last.text && st.body) return st;
      if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const d of st.declarationList.declarations) {
        const init = d.initializer ? unwrap(d.initializer) : undefined;
        if (ts.isIdentifier(d.name) && d.name.text === last.text && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return init;
      }
    }
  }
  return null;
}

const DECL_CODE: Record<string, string> = { tensor: SM.badTensorDecl, scalar: SM.badScalarDecl, scoreMod: SM.badModDecl, maskMod: SM.badModDecl };

/** `let m = scoreMod(...)` and `export default scoreMod(...)` are not seen as declarations: say so. */
function misplacedDeclaration(s: Scope, st: ts.Statement): void {
  const dslCall = (e: ts.Expression | undefined): string | null => {
    const x = e ? unwrap(e) : undefined;
    const fn = x && ts.isCallExpression(x) ? s.dslName(x.expression) : null;
    return fn !== null && Object.prototype.hasOwnProperty.call(DECL_CODE, fn) ? fn : null;
  };
  if (ts.isExportAssignment(st)) {
    const fn = dslCall(st.expression);
    if (fn) s.error(st, DECL_CODE[fn], `give it a name: \`export const name = ${fn}(...)\` (the name identifies it to the kernel and the editor)`);
  } else if (ts.isVariableStatement(st) && !(st.declarationList.flags & ts.NodeFlags.Const)) {
    for (const d of st.declarationList.declarations) {
      const fn = dslCall(d.initializer);
      if (fn) s.error(d, DECL_CODE[fn], `declare ${fn}(...) with \`const\`, not let/var: the analysis reads it as a fixed declaration`);
    }
  }
}

function readMod(s: Scope, d: Decl): ExtractedMod | null {
  const kind = d.kind === "scoreMod" ? "score" : "mask";
  const args = d.call.arguments;
  if (args.length < 1 || args.length > 2) return null; // TypeScript reports the arity
  const fn = modFunction(s, d.call);
  if (!fn || (ts.isCallExpression(fn) && kind === "score")) {
    s.error(args[args.length - 1], SM.badModDecl, `pass the ${kind} mod as an arrow function or a helper of this file, e.g. ${kind === "score" ? "(score, b, h, q, kv) => score" : "(b, h, q, kv) => q >= kv, or andMasks(causal, document)"}`);
    return null;
  }
  let ok = true;
  let vecSize: number | null = null;
  const optArg = args.length === 2 ? args[0] : undefined;
  const opt = optArg ? unwrap(optArg) : undefined;
  if (optArg && opt && !ts.isObjectLiteralExpression(opt)) {
    s.error(optArg, SM.badModDecl, "mod options must be an object literal, e.g. { vecSize: 8 }");
    ok = false;
  } else if (opt && ts.isObjectLiteralExpression(opt)) {
    for (const p of opt.properties) {
      const key = ts.isPropertyAssignment(p) ? propName(p.name) : ts.isShorthandPropertyAssignment(p) ? p.name.text : null;
      if (key !== "vecSize") continue;
      const init = ts.isPropertyAssignment(p) ? p.initializer : (p as ts.ShorthandPropertyAssignment).name;
      const c = s.constant(init);
      // Only "is it a constant" is ours; the value's rules (power of two, cap, tile) are the
      // classifier's (SM201-SM203, with quick fixes), which also sees the CLI's override.
      if (!c || typeof c.value !== "number") {
        s.error(init, SM.vecSizeNotConstant, "vecSize must be a constant number (a literal or a module-level const), e.g. vecSize: 8");
        ok = false;
      } else vecSize = c.value;
    }
  }
  const conv = convertMod(s, kind, fn, d.name.text);
  return {
    name: d.name.text, kind, range: s.range(d.decl), nameRange: s.range(d.name),
    options: optionsSite(s, optArg, fn.getStart(s.sf)),
    vecSize, params: conv.params, body: conv.body, loads: conv.loads, ok: ok && conv.ok, inlines: conv.inlines,
  };
}
