// The legality model of ARCHITECTURE.md: for each aux load of a mod, for V lanes kv = kv0 + i
// (i < V, kv0 % V == 0, b/h/q fixed) on a target, decide the lane class, the widest provable
// load, the one missing fact that stops a wider one (with a fix), the runtime obligations and
// the proof. Soundness first: a load that is not provably contiguous is never wider than scalar.
import {
  type Env, type Form, type FormCtx, type Sym,
  dependsOnKv, formOf, formatSym, guardedLoads, kvCoefficient, kvFree, loadScopes, newFormCtx, symV2, topLevelEnv, atomsOf,
} from "./affine";
import type { Diagnostic, Fix, LaneClass, LoadFact, Obligation, OptionsSite, Poly, TensorFact } from "./facts";
import { declareDivisibleFix, setOptionFix } from "./fixes";
import { isSeqRole, type Expr, type Range, type Stmt } from "./ir";
import { loadDiagnostics, modDiagnostics } from "./modChecks";
import { V2_ZERO, factsToMakeMultiple, factValue, formatPoly, isUnitPoly, polyV2, pow2Dividing, pow2Floor } from "./poly";
import { estimateRegisters } from "./registers";
import { decideStaging, placeStaged } from "./staging";
import type { Target } from "./targets";

/** One `.at()` load as the frontend extracted it; `id` equals the body's load node `loadId`. */
export interface RawLoad { id: number; range: Range; tensorVar: string; text: string; idx: Expr[] }

export interface ClassifyInput {
  mod: string;
  /** Score or mask mod (default score): a staging kernel gives each its own shared-memory budget. */
  kind?: "score" | "mask";
  body: Stmt[];
  loads: RawLoad[];
  tensors: TensorFact[];
  /** File-wide divisibility facts: dim -> declared multiple. */
  divisible: Record<string, number>;
  target: Target;
  vecSize: number;
  vecSizeExplicit: boolean;
  /** The mod's options argument (vecSize fixes). */
  options: OptionsSite;
  modRange: Range;
}

export interface ClassifyResult {
  loads: LoadFact[];
  diagnostics: Diagnostic[];
  registers: { estimate: number; budget: number };
}

/** The V the classifier reasons with: an invalid V (reported by modChecks) is treated as 1. */
export function effectiveV(v: number): number {
  return Number.isSafeInteger(v) && v >= 1 ? v : 1;
}

export function classifyMod(input: ClassifyInput): ClassifyResult {
  const ctx = newFormCtx(input.divisible);
  const scopes = loadScopes(input.body);
  const fallback = topLevelEnv(input.body);
  const guarded = guardedLoads(input.body);
  const tensors = new Map(input.tensors.map((t) => [t.varName, t] as const));
  // Obligations of each stageable load's chunk width, by load id, until the budget places it.
  const staging = new Map<number, Obligation[]>();
  const loads = input.loads.map((raw) => {
    const env = scopes.has(raw.id) ? (scopes.get(raw.id) as Env) : fallback;
    return classifyLoad(raw, tensors.get(raw.tensorVar) ?? null, env, ctx, input, guarded.has(raw.id), staging);
  });
  placeStagedLoads(loads, input.target, input.kind ?? "score", staging);
  const regs = estimateRegisters(input.body, loads, effectiveV(input.vecSize), input.target);
  const registers = { estimate: regs.estimate, budget: regs.budget };
  const diagnostics = [...modDiagnostics(input, loads, regs), ...loadDiagnostics(loads, effectiveV(input.vecSize))];
  return { loads, diagnostics, registers };
}

// ---------------------------------------------------------------- lane shape

/** How a load's lanes move through memory (step 1). */
export type Shape =
  | { kind: "uniform" }
  | { kind: "gather"; why: string }
  | { kind: "contiguous"; dim: number; base: Sym; outer: { dim: number; idx: Sym }[] };

/** Step 1: which dims move with kv, and how. */
export function laneShape(forms: Form[], tensor: TensorFact, ctx: FormCtx): Shape {
  for (let d = 0; d < forms.length; d++) {
    const f = forms[d];
    if (!f.ok) return { kind: "gather", why: `index ${d}: ${f.reason}; loads stay scalar` };
  }
  const polys = forms.map((f) => (f.ok ? f.p : new Map<string, number>()));
  const moving: number[] = [];
  for (let d = 0; d < polys.length; d++) if (dependsOnKv(forms[d])) moving.push(d);
  if (moving.length === 0) return { kind: "uniform" };
  if (moving.length > 1) {
    return { kind: "gather", why: `kv enters dims ${moving.join(" and ")}: lanes are not consecutive in memory; loads stay scalar` };
  }
  const d = moving[0];
  const text = formatSym(polys[d], ctx);
  const a = kvCoefficient(polys[d]);
  if (a === null) {
    return { kind: "gather", why: `index ${d} = ${text}: the kv coefficient is not a constant; loads stay scalar` };
  }
  const u = tensor.unitStrideDim;
  if (u === null || u !== d || !isUnitPoly(tensor.strides[d] ?? [])) {
    const stride = formatPoly(tensor.strides[d] ?? []);
    return {
      kind: "gather",
      why: `kv indexes dim ${d} (${String(tensor.shape[d])}), whose stride is ${stride}, not 1: lanes are ${stride} elements apart; loads stay scalar`,
    };
  }
  if (a === -1) {
    return { kind: "gather", why: `kv enters with coefficient -1 (${text}): lanes run backwards; FA4 would misclassify this; loads stay scalar` };
  }
  if (a < 0) {
    return { kind: "gather", why: `kv enters with coefficient ${a} (${text}): lanes run backwards, ${-a} elements apart; loads stay scalar` };
  }
  if (a !== 1) {
    return { kind: "gather", why: `kv enters with coefficient ${a} (${text}): lanes are ${a} elements apart; loads stay scalar` };
  }
  const outer: { dim: number; idx: Sym }[] = [];
  for (let o = 0; o < polys.length; o++) if (o !== d) outer.push({ dim: o, idx: polys[o] });
  return { kind: "contiguous", dim: d, base: kvFree(polys[d]), outer };
}

// ---------------------------------------------------------------- one load

/** Facts the proofs rely on, made safe: a bad element size or alignment proves nothing wider. */
function sane(t: TensorFact): TensorFact {
  const e = Number.isSafeInteger(t.elemBytes) && t.elemBytes >= 1 ? t.elemBytes : 4;
  const align = Number.isSafeInteger(t.align) && t.align >= 1 ? t.align : e;
  const u = t.unitStrideDim;
  const unitStrideDim = u !== null && Number.isInteger(u) && u >= 0 && u < t.shape.length ? u : null;
  return { ...t, elemBytes: e, align, unitStrideDim };
}

function classifyLoad(raw: RawLoad, declared: TensorFact | null, env: Env, ctx: FormCtx, input: ClassifyInput, guarded: boolean, staging: Map<number, Obligation[]>): LoadFact {
  const V = effectiveV(input.vecSize);
  const head = {
    id: raw.id, mod: input.mod, range: raw.range, tensorVar: raw.tensorVar,
    tensor: declared?.name ?? raw.tensorVar, text: raw.text,
  };
  if (!declared) {
    return scalarFact(head, "gather", 4, V, `${raw.tensorVar} is not a declared tensor: loads stay scalar`, []);
  }
  const tensor = sane(declared);
  const e = tensor.elemBytes;
  if (raw.idx.length !== tensor.shape.length) {
    const why = `${raw.idx.length} indices for a rank-${tensor.shape.length} tensor: loads stay scalar`;
    return scalarFact(head, "gather", e, V, why, []);
  }
  const forms = raw.idx.map((x) => formOf(x, env, ctx));
  const proof = forms.map((f, d) =>
    `index ${d} = ${f.ok ? formatSym(f.p, ctx) : "not affine in kv"} (dim ${String(tensor.shape[d])}, stride ${formatPoly(tensor.strides[d] ?? [])})`);
  const laneShapeOf = laneShape(forms, tensor, ctx);
  const unsafe = guarded && laneShapeOf.kind !== "gather" ? unguardedOutOfBounds(forms, tensor, ctx) : null;
  const shape: Shape = unsafe ? { kind: "gather", why: unsafe } : laneShapeOf;
  if (shape.kind === "uniform") {
    proof.push(`no index depends on kv: one ${e} B load per call, broadcast to the ${V} lane${V === 1 ? "" : "s"}`);
    return { ...head, class: "uniform", widthElems: 1, widthBytes: e, loadsPerVec: 1, why: null, fix: null, obligations: [], proof };
  }
  if (shape.kind === "gather") {
    proof.push(shape.why);
    return scalarFact(head, "gather", e, V, shape.why, proof);
  }
  proof.push(`kv enters only dim ${shape.dim} (stride 1) with coefficient +1: contiguous`);
  const args: WidthArgs = { tensor, shape, V, ctx, input };
  const res = contiguousWidth(args);
  proof.push(...res.proof);
  const fact: LoadFact = {
    ...head, class: "contiguous", widthElems: res.w, widthBytes: res.w * e, loadsPerVec: V / res.w,
    why: res.why, fix: res.fix, ...(res.safeFix ? { safeFix: res.safeFix } : {}), obligations: res.obligations, proof,
  };
  if (input.target.auxStaging) {
    const d = decideStaging({
      target: input.target, elemBytes: e, halfFloat: tensor.dtype === "bf16" || tensor.dtype === "f16", unitStrideDim: shape.dim, idx: raw.idx, env,
      largestLegal: (cap) => largestLegal(cap, args),
      obligationsAt: (w) => obligationsFor(w, { ...args, V: w }),
    });
    if (d.staged) {
      fact.staging = { ...d.fact, offset: -1 };
      staging.set(fact.id, d.obligations);
    } else {
      fact.staging = null;
      fact.stagingWhy = d.why;
    }
  }
  return fact;
}

/**
 * Give each stageable load its region of the stage, in body order, while the budget lasts; a
 * staged load also carries the obligations of its chunk width (merged: the stronger of each).
 */
function placeStagedLoads(loads: LoadFact[], target: Target, kind: "score" | "mask", obligations: Map<number, Obligation[]>): void {
  const cands = loads.filter((l) => l.staging).map((l) => ({ id: l.id, bytes: l.staging!.bytes, tile: l.staging!.rows === "tile" }));
  const { placed, over } = placeStaged(cands, target, kind);
  for (const l of loads) {
    if (!l.staging) continue;
    const off = placed.get(l.id);
    if (off === undefined) {
      l.staging = null;
      l.stagingWhy = over.get(l.id);
      continue;
    }
    l.staging.offset = off;
    l.obligations = mergeObligations(l.obligations, obligations.get(l.id) ?? []);
  }
}

/** Union of two obligation lists; for the same check on the same tensor/dim, the larger multiple. */
function mergeObligations(a: Obligation[], b: Obligation[]): Obligation[] {
  const key = (o: Obligation) => `${o.kind}|${o.tensor ?? ""}|${String(o.dim ?? "")}`;
  const out = new Map<string, Obligation>();
  for (const o of [...a, ...b]) {
    const prev = out.get(key(o));
    if (!prev || o.value > prev.value) out.set(key(o), o);
  }
  return [...out.values()];
}

/** Dim names whose extent the matching mod argument always stays below. */
const ROLE_OF_DIM: Record<string, string> = { B: "b", H: "h", Q: "q", KV: "kv" };

/**
 * Why a guarded load may read out of bounds when its condition fails (null when every index is
 * provably inside its dim: b in B, h in H, q in Q, kv in KV, or a constant inside a dim).
 * Uniform and contiguous loads are hoisted and widened, so they run whatever the condition says.
 */
export function unguardedOutOfBounds(forms: Form[], tensor: TensorFact, ctx: FormCtx): string | null {
  for (let d = 0; d < forms.length; d++) {
    const f = forms[d];
    if (!f.ok) return null;
    const extent = tensor.shape[d];
    if (inside(f.p, extent)) continue;
    return `the load runs only under a condition, and index ${d} = ${formatSym(f.p, ctx)} is not provably inside dim ${d} (${String(extent)}) ` +
      `when the condition fails; it stays a per-lane load under its condition`;
  }
  return null;
}

function inside(p: Sym, extent: string | number): boolean {
  if (p.size === 0) return typeof extent === "string" || extent > 0;
  if (p.size !== 1) return false;
  const [[m, c]] = [...p];
  if (m === "") return typeof extent === "number" && c >= 0 && c < extent;
  return c === 1 && typeof extent === "string" && ROLE_OF_DIM[extent] === m;
}

type Head = Pick<LoadFact, "id" | "mod" | "range" | "tensorVar" | "tensor" | "text">;
function scalarFact(head: Head, cls: LaneClass, e: number, V: number, why: string, proof: string[]): LoadFact {
  return { ...head, class: cls, widthElems: 1, widthBytes: e, loadsPerVec: V, why, fix: null, obligations: [], proof };
}

// ---------------------------------------------------------------- width of a contiguous load

interface WidthArgs {
  tensor: TensorFact;
  shape: Extract<Shape, { kind: "contiguous" }>;
  V: number;
  ctx: FormCtx;
  input: ClassifyInput;
}

/**
 * A fact that fails at some width. `key` groups the facts one fix repairs: "align", "divisible"
 * (any stride or offset that declared dim facts would repair), "offset" (a constant lane-0
 * offset), "stride:d" (a numeric stride). `facts` are the declarations that would repair it.
 */
interface Failure { key: string; kind: "align" | "offset" | "stride"; dim?: number; facts?: Record<string, number> }

/** The facts of step 2 at width W (a power of two); an empty list means W is legal. */
export function failuresAt(W: number, a: Pick<WidthArgs, "tensor" | "shape" | "ctx">): Failure[] {
  if (W <= 1) return [];
  const need = Math.log2(W);
  const out: Failure[] = [];
  if (a.tensor.align % (W * a.tensor.elemBytes) !== 0) out.push({ key: "align", kind: "align" });
  if (symV2(a.shape.base, a.ctx) < need) {
    const facts = symFactsToMakeMultiple(a.shape.base, W, a.ctx);
    out.push(facts ? { key: "divisible", kind: "offset", facts } : { key: "offset", kind: "offset" });
  }
  for (const o of a.shape.outer) {
    if (outerV2(o, a) < need) {
      const vi = Math.min(symV2(o.idx, a.ctx), 30);
      const strideNeed = 2 ** Math.max(0, need - vi);
      const facts = factsToMakeMultiple(a.tensor.strides[o.dim] ?? [], strideNeed, a.ctx.divisible);
      out.push(facts && Object.keys(facts).length > 0
        ? { key: "divisible", kind: "stride", dim: o.dim, facts }
        : { key: `stride:${o.dim}`, kind: "stride", dim: o.dim });
    }
  }
  return out;
}

function outerV2(o: { dim: number; idx: Sym }, a: Pick<WidthArgs, "tensor" | "ctx">): number {
  const vi = symV2(o.idx, a.ctx);
  if (vi === V2_ZERO) return V2_ZERO;
  return vi + polyV2(a.tensor.strides[o.dim] ?? [], a.ctx.divisible);
}

function largestLegal(cap: number, a: Pick<WidthArgs, "tensor" | "shape" | "ctx">): number {
  for (let W = cap; W > 1; W /= 2) if (failuresAt(W, a).length === 0) return W;
  return 1;
}

interface WidthResult { w: number; why: string | null; fix: Fix | null; safeFix?: Fix; obligations: Obligation[]; proof: string[] }

function contiguousWidth(a: WidthArgs): WidthResult {
  const { tensor, V, input } = a;
  const target = input.target;
  const e = tensor.elemBytes;
  const byteCap = pow2Floor(Math.floor(target.maxLoadBytes / e));
  const targetCap = Math.min(byteCap, pow2Floor(target.vecCap));
  const wCap = Math.min(pow2Dividing(V), targetCap);
  const proof: string[] = [
    `width cap v${wCap}: V = ${V}; ${target.id} loads at most ${target.maxLoadBytes} B = ${byteCap} × ${e} B` +
      (target.ownership === "pairs" ? `; pairs ownership caps V at ${target.vecCap}` : ""),
  ];
  const w = largestLegal(wCap, a);
  proof.push(...widthProof(w, a));
  const { why, fix } = w < wCap ? missingFact(w, wCap, a) : limitNote(w, a, targetCap);
  // A promise fix has a safe twin: V down to the width the facts already prove (w < wCap <= V).
  const safeFix = w < wCap && fix ? setOptionFix(input.options, "vecSize", String(w), `Set vecSize: ${w} (as wide as ${tensor.varName}'s declared facts prove; no promise needed)`, "first") : null;
  proof.push(w > 1 ? `→ v${w} · ${w * e} B · ${V / w} load${V / w === 1 ? "" : "s"} / ${V} scores` : `→ scalar loads${why ? `: ${why}` : ""}`);
  return { w, why, fix, ...(safeFix ? { safeFix } : {}), obligations: w > 1 ? obligationsFor(w, a) : [], proof };
}

function widthProof(w: number, a: WidthArgs): string[] {
  if (w <= 1) return [];
  const { tensor, shape, ctx, V } = a;
  const steps = [`align ${tensor.align} B is a multiple of ${w * tensor.elemBytes} B`];
  steps.push(`lane 0 of dim ${shape.dim} is kv0 + ${formatSym(shape.base, ctx)}; ${formatSym(shape.base, ctx)} ≡ 0 mod ${w}`);
  for (const o of shape.outer) {
    const stride = tensor.strides[o.dim] ?? [];
    if (symV2(o.idx, ctx) === V2_ZERO) { steps.push(`dim ${o.dim}: index 0 adds nothing`); continue; }
    const facts = [...new Set(stride.flatMap((m) => m.vars))]
      .filter((x) => factValue(ctx.divisible, x) > 1)
      .map((x) => `${x} % ${factValue(ctx.divisible, x)} == 0 declared`);
    steps.push(`dim ${o.dim}: ${formatSym(o.idx, ctx)} × stride ${formatPoly(stride)} is a multiple of ${w}${facts.length ? ` (${facts.join(", ")})` : ""}`);
  }
  steps.push(`kv0 % ${V} == 0 (tile contract), so kv0 % ${w} == 0`);
  steps.push(`tail: KV % ${V} == 0 (checked before launch)`);
  return steps;
}

/** Step 3 when a fact stops the next width: name that fact, and how far fixing it alone goes. */
function missingFact(w: number, wCap: number, a: WidthArgs): { why: string; fix: Fix | null } {
  const first = failuresAt(w * 2, a)[0];
  let reach = w * 2;
  for (let W = wCap; W > w * 2; W /= 2) {
    if (failuresAt(W, a).every((f) => f.key === first.key)) { reach = W; break; }
  }
  const { tensor, shape, ctx } = a;
  const e = tensor.elemBytes;
  const name = tensor.varName;
  if (first.key === "align") {
    const bytes = reach * e;
    return {
      why: `align is ${tensor.align} B; a ${bytes} B load (v${reach}) needs align: ${bytes}`,
      fix: setOptionFix(tensor.options, "align", String(bytes), `Promise ${name} is ${bytes}-byte aligned (align: ${bytes}; FA4 will not check the promise)`, "last"),
    };
  }
  if (first.key === "divisible") {
    const facts: Record<string, number> = {};
    const what: string[] = [];
    for (const f of failuresAt(reach, a)) {
      if (f.key !== "divisible" || !f.facts) continue;
      for (const [k, n] of Object.entries(f.facts)) facts[k] = Math.max(facts[k] ?? 1, n);
      what.push(f.kind === "offset"
        ? `lane 0 is at kv + ${formatSym(shape.base, ctx)}`
        : `stride of dim ${f.dim as number} is ${formatPoly(tensor.strides[f.dim as number] ?? [])}`);
    }
    const decl = declText(facts);
    return {
      why: `${what.join("; ")}: not known to be a multiple of ${reach}; declare ${decl}`,
      fix: declareDivisibleFix(tensor.options, facts, `Declare ${decl} on ${name} (a promise; FA4 will not check it)`),
    };
  }
  if (first.key === "offset") {
    const base = formatSym(shape.base, ctx);
    const isConst = [...shape.base.keys()].every((m) => m === "");
    const seqAtom = [...shape.base.keys()].flatMap((m) => atomsOf(m)).find(isSeqRole);
    if (seqAtom) {
      return {
        why: `the first lane is at kv + ${base}: seq.${seqAtom} (where the sequence starts in the packed batch, FA4's seqlen_info) ` +
          `is not known to be a multiple of ${w * 2}, since sequences may start at any token; the lanes are contiguous but loaded ${w === 1 ? "one by one" : `${w} at a time`}`,
        fix: null,
      };
    }
    return {
      why: isConst
        ? `the first lane is at kv + ${base}: offset ${base} is not a multiple of ${w * 2}, so a v${w * 2} load would be misaligned; make the offset a multiple of ${reach} (pad ${tensor.name} if needed)`
        : `the first lane is at kv + ${base}, not known to be a multiple of ${w * 2}; change the index so its offset is a multiple of ${reach}`,
      fix: null,
    };
  }
  const d = first.dim as number;
  const strideText = formatPoly(tensor.strides[d] ?? []);
  return {
    why: `stride of dim ${d} is ${strideText} elements, not a multiple of ${reach}: a v${reach} load would straddle rows; pad the layout so the stride is a multiple of ${reach}`,
    fix: null,
  };
}

function declText(facts: Record<string, number>): string {
  return Object.keys(facts).sort().map((k) => `${k} % ${facts[k]} == 0`).join(", ");
}

/** Divisibility facts that make a kv-free base a multiple of w, when all its symbols are dims. */
function symFactsToMakeMultiple(p: Sym, w: number, ctx: FormCtx): Record<string, number> | null {
  const poly: Poly = [];
  for (const [m, c] of p) {
    const atoms = atomsOf(m);
    if (!atoms.every((x) => x.startsWith("dim:"))) return null;
    poly.push({ c, vars: atoms.map((x) => x.slice(4)) });
  }
  const facts = factsToMakeMultiple(poly, w, ctx.divisible);
  return facts && Object.keys(facts).length > 0 ? facts : null;
}

/** Step 3 when no fact is missing: the width is what V or the target allow. */
function limitNote(w: number, a: WidthArgs, targetCap: number): { why: string | null; fix: Fix | null } {
  const { V, input, tensor } = a;
  const t = input.target;
  if (V > t.vecCap) {
    const why = t.ownership === "pairs"
      ? `target ${t.id} caps V at ${t.vecCap} (pairs: each thread owns ${t.vecCap} adjacent kv of the mma accumulator)`
      : `target ${t.id} caps V at ${t.vecCap}`;
    return { why, fix: setOptionFix(input.options, "vecSize", String(t.vecCap), `Set vecSize: ${t.vecCap}`, "first") };
  }
  if (V === 1) {
    const wFacts = largestLegal(Math.min(targetCap, pow2Floor(t.tileN)), a);
    if (wFacts >= 2) {
      const why = `V is 1${input.vecSizeExplicit ? "" : " (the default for mods with aux loads)"}: each call scores one kv; ` +
        `vecSize: ${wFacts} would load ${wFacts} elements (${wFacts * tensor.elemBytes} B) at once`;
      return { why, fix: setOptionFix(input.options, "vecSize", String(wFacts), `Set vecSize: ${wFacts}`, "first") };
    }
  }
  return { why: null, fix: null };
}

/** Step 4: what the real tensors must satisfy for the width to be legal. */
function obligationsFor(w: number, a: WidthArgs): Obligation[] {
  const { tensor, shape, ctx, V } = a;
  const name = tensor.name;
  const out: Obligation[] = [
    { kind: "ptr-align", text: `${name}.data_ptr() % ${w * tensor.elemBytes} == 0`, tensor: name, value: w * tensor.elemBytes },
  ];
  for (const o of shape.outer) {
    // The stride carries what the index's own factor does not (8*q needs nothing from the stride).
    const m = w / 2 ** Math.min(symV2(o.idx, ctx), Math.log2(w));
    if (m <= 1) continue;
    out.push({ kind: "stride-multiple", text: `${name}.stride(${o.dim}) % ${m} == 0`, tensor: name, dim: o.dim, value: m });
  }
  const extent = tensor.shape[shape.dim];
  const baseZero = shape.base.size === 0;
  if (extent === "KV") out.push({ kind: "dim-multiple", text: `KV % ${V} == 0`, dim: "KV", value: V });
  if (extent !== "KV" || !baseZero) {
    const idx = baseZero ? "kv" : `kv + ${formatSym(shape.base, ctx)}`;
    out.push({
      kind: "in-bounds",
      text: `${name}: ${idx} < ${String(extent)} (dim ${shape.dim}) for every kv up to KV rounded up to a multiple of ${V}`,
      tensor: name, dim: shape.dim, value: V,
    });
  }
  return out;
}
