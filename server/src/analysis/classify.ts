// The legality model of ARCHITECTURE.md: for each aux load of a mod, for V lanes kv = kv0 + i
// (i < V, kv0 % V == 0, b/h/q fixed) on a target, decide the lane class, the widest provable
// load, the one missing fact that stops a wider one (with a fix), the runtime obligations and
// the proof. Soundness first: a load that is not provably contiguous is never wider than scalar.
import {
  type Env, type Form, type FormCtx, type GroupAtom, type Sym,
  atomsOf, formOf, formatSym, guardedLoads, isGroupAtom, loadScopes, newFormCtx, symAdd, symDivExact, symV2, topLevelEnv,
} from "./affine";
import { unguardedOpenIndices } from "./bounds";
import type { Diagnostic, Fix, LaneClass, LoadFact, Obligation, OptionsSite, Poly, ScalarFact, TensorFact } from "./facts";
import { declareDivisibleFix, setOptionFix } from "./fixes";
import { isSeqRole, type Expr, type Range, type Stmt } from "./ir";
import { loadDiagnostics, modDiagnostics } from "./modChecks";
import { V2_ZERO, factsToMakeMultiple, factValue, formatPoly, isPow2, isUnitPoly, polyV2, pow2Dividing, pow2Floor } from "./poly";
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
  /** The file's scalars (an int scalar bounds the indices it enters; see guardedUnsafe). */
  scalars?: ScalarFact[];
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
  // Guarded loads' indices not proven in range at every size with their conditions ignored
  // (symBounds.ts), computed once and only when a guarded load needs more than the quick check.
  let open: Map<number, number[]> | null = null;
  const openIndices = () => (open ??= unguardedOpenIndices({ tensors: input.tensors, scalars: input.scalars ?? [] }, { body: input.body, loads: input.loads }));
  const loads = input.loads.map((raw) => {
    const env = scopes.has(raw.id) ? (scopes.get(raw.id) as Env) : fallback;
    const guard = guarded.has(raw.id) ? openIndices : null;
    return classifyLoad(raw, tensors.get(raw.tensorVar) ?? null, env, ctx, input, guard, staging);
  });
  placeStagedLoads(loads, input.target, input.kind ?? "score", staging);
  const regs = estimateRegisters(input.body, loads, effectiveV(input.vecSize), input.target);
  const registers = { estimate: regs.estimate, budget: regs.budget };
  const diagnostics = [...modDiagnostics(input, loads, regs), ...loadDiagnostics(loads, effectiveV(input.vecSize))];
  return { loads, diagnostics, registers };
}

// ---------------------------------------------------------------- lane shape

/** A dim the lanes move along, and what lane 0 reads there. */
interface Run { dim: number; base: Sym; outer: { dim: number; idx: Sym }[] }

/** How a load's lanes move through memory (step 1). */
export type Shape =
  | { kind: "uniform" }
  | { kind: "gather"; why: string }
  /**
   * Lane i reads element kv0 + base + i of dim `dim`. `period`: some index holds a group atom that
   * is constant over a call's lanes (kv % 64 = kv - 64 * floor(kv / 64), a row idiv(kv, 64)), so
   * the lanes are consecutive within a call but not along a whole row: `n` is the shortest run,
   * `proof` why a call's lanes stay inside one run.
   */
  | Run & { kind: "contiguous"; period?: { n: number; proof: string } }
  /**
   * Each aligned run of g lanes reads one element: floor((kv + c) / g) in the index. `run` null:
   * the V lanes lie in one run (g % V == 0), one element per call; else lane i reads element
   * kv0 / g + base + floor(i / g) of run.dim, V / g consecutive elements. `index` is the moving
   * index's text, `proof` the alignment argument.
   */
  | { kind: "grouped"; g: number; run: Run | null; index: string; proof: string };

/** A group atom whose value is one and the same on every lane of a call: runs of a multiple of V lanes, aligned to kv0. */
function steadyAt(G: GroupAtom, V: number, ctx: FormCtx): boolean {
  return G.g % V === 0 && symV2(G.c, ctx) >= Math.log2(V);
}

/** Step 1: which dims move with kv, and how. */
export function laneShape(forms: Form[], tensor: TensorFact, ctx: FormCtx, V = 1): Shape {
  for (let d = 0; d < forms.length; d++) {
    const f = forms[d];
    if (!f.ok) return { kind: "gather", why: `index ${d}: ${f.reason}; loads stay scalar` };
  }
  const polys = forms.map((f) => (f.ok ? f.p : new Map<string, number>()));
  const groupsUsed = new Set(polys.flatMap((p) => [...p.keys()].flatMap(atomsOf).filter(isGroupAtom)));
  // Group reasoning needs V a power of two (an invalid V is reported by modChecks and treated as 1).
  if (groupsUsed.size && !isPow2(V)) return { kind: "gather", why: `V = ${V} is not a power of two: lanes are not grouped; loads stay scalar` };
  const steady = new Set([...groupsUsed].filter((a) => steadyAt(ctx.groups.get(a)!, V, ctx)));
  // Atoms that differ between the V lanes of one call: kv, and groups that are not steady.
  const varying = (a: string) => a === "kv" || (isGroupAtom(a) && !steady.has(a));
  const movingTerms = (p: Sym) => [...p].filter(([m]) => atomsOf(m).some(varying));
  const moving: number[] = [];
  for (let d = 0; d < polys.length; d++) if (movingTerms(polys[d]).length) moving.push(d);
  if (moving.length === 0) {
    if (steady.size === 0) return { kind: "uniform" };
    const gs = [...steady].map((a) => ctx.groups.get(a)!);
    const g = Math.min(...gs.map((x) => x.g));
    const why = gs.map((x) => `${x.label}: runs of ${x.g} lanes start where ${x.c.size ? `kv + ${formatSym(x.c, ctx)}` : "kv"} is a multiple of ${x.g}`);
    const proof = `${why.join("; ")}; ${g} % ${V} == 0 and kv0 % ${V} == 0 (tile contract)${gs.some((x) => x.c.size) ? `, and every offset is a multiple of ${V}` : ""}, so the ${V} lane${V === 1 ? "" : "s"} of a call lie in one run`;
    return { kind: "grouped", g, run: null, index: gs.map((x) => x.label).join(", "), proof };
  }
  if (moving.length > 1) {
    return { kind: "gather", why: `kv enters dims ${moving.join(" and ")}: lanes are not consecutive in memory; loads stay scalar` };
  }
  const d = moving[0];
  const text = formatSym(polys[d], ctx);
  const terms = movingTerms(polys[d]);
  const single = terms.length === 1 && atomsOf(terms[0][0]).length === 1 ? atomsOf(terms[0][0])[0] : null;
  if (single === null) {
    // kv - g * floor((kv + c) / g): the shape of (kv + c) % g, whose wrap a call may straddle.
    const wrap = terms.length === 2 && polys[d].get("kv") === 1
      ? terms.filter(([m]) => isGroupAtom(m)).map(([m, k]) => ({ G: ctx.groups.get(m)!, k })).find((x) => x.k === -x.G.g)?.G
      : undefined;
    if (wrap) {
      const off = wrap.c.size ? `kv + ${formatSym(wrap.c, ctx)}` : "kv";
      const why = wrap.g % V !== 0 ? `${wrap.g} is not a multiple of V = ${V}` : `${formatSym(wrap.c, ctx)} is not known to be a multiple of V = ${V}`;
      return { kind: "gather", why: `index ${d} = ${text} wraps where ${off} is a multiple of ${wrap.g}, and a call's ${V} lanes may straddle a wrap (${why}); loads stay scalar` };
    }
    return { kind: "gather", why: `index ${d} = ${text}: the kv coefficient is not a constant; loads stay scalar` };
  }
  const a = terms[0][1];
  const u = tensor.unitStrideDim;
  if (u === null || u !== d || !isUnitPoly(tensor.strides[d] ?? [])) {
    const stride = formatPoly(tensor.strides[d] ?? []);
    return {
      kind: "gather",
      why: `kv indexes dim ${d} (${String(tensor.shape[d])}), whose stride is ${stride}, not 1: lanes are ${stride} elements apart; loads stay scalar`,
    };
  }
  const outer: { dim: number; idx: Sym }[] = [];
  for (let o = 0; o < polys.length; o++) if (o !== d) outer.push({ dim: o, idx: polys[o] });
  const rest = new Map(polys[d]);
  rest.delete(terms[0][0]);
  if (single !== "kv") return groupedRun(ctx.groups.get(single)!, a, { dim: d, base: rest, outer }, text, V, ctx);
  if (a === -1) {
    return { kind: "gather", why: `kv enters with coefficient -1 (${text}): lanes run backwards; FA4 would misclassify this; loads stay scalar` };
  }
  if (a < 0) {
    return { kind: "gather", why: `kv enters with coefficient ${a} (${text}): lanes run backwards, ${-a} elements apart; loads stay scalar` };
  }
  if (a !== 1) {
    return { kind: "gather", why: `kv enters with coefficient ${a} (${text}): lanes are ${a} elements apart; loads stay scalar` };
  }
  // A steady group anywhere (kv % 64 is kv - 64 * floor(kv / 64)): contiguous within a call only.
  if (!steady.size) return { kind: "contiguous", dim: d, base: rest, outer };
  const gs = [...steady].map((x) => ctx.groups.get(x)!);
  const n = Math.min(...gs.map((x) => x.g));
  const proof = `${gs.map((x) => x.label).join(", ")} ${gs.length > 1 ? "are" : "is"} constant over runs of lanes starting where ${gs.map((x) => `${x.c.size ? `kv + ${formatSym(x.c, ctx)}` : "kv"} is a multiple of ${x.g}`).join(", ")}; ` +
    `${n} % ${V} == 0 and kv0 % ${V} == 0 (tile contract)${gs.some((x) => x.c.size) ? `, every offset a multiple of ${V}` : ""}, so the ${V} lanes of a call lie in one run: consecutive within the call`;
  return { kind: "contiguous", dim: d, base: rest, outer, period: { n, proof } };
}

/** The moving index is a * floor((kv + c) / g) + base with g < V (not steady): runs of g lanes. */
function groupedRun(G: GroupAtom, a: number, run: Run, text: string, V: number, ctx: FormCtx): Shape {
  const lanes = `${G.label} gives each run of ${G.g} lanes one element`;
  if (G.g > V && G.g % V === 0) {
    // Not steady at V: only the offset can be at fault.
    return {
      kind: "gather",
      why: `${lanes}, but runs start where kv + ${formatSym(G.c, ctx)} is a multiple of ${G.g}, and ${formatSym(G.c, ctx)} is not known to be a multiple of V = ${V}: runs are not aligned to the call's lanes, so one call may read two elements; loads stay scalar`,
    };
  }
  if (V % G.g !== 0) {
    const straddle = G.g > V
      ? `a run of ${G.g} lanes spans several calls of ${V} lanes, and ${G.g} is not a multiple of ${V}`
      : `runs of ${G.g} lanes do not tile the ${V} lanes of a call`;
    return { kind: "gather", why: `${lanes}, but ${straddle}; loads stay scalar` };
  }
  if (symV2(G.c, ctx) < Math.log2(G.g)) {
    return {
      kind: "gather",
      why: `${lanes}, but runs start where kv + ${formatSym(G.c, ctx)} is a multiple of ${G.g}, and ${formatSym(G.c, ctx)} is not known to be a multiple of ${G.g}: runs are not aligned to the call's lanes; loads stay scalar`,
    };
  }
  if (a !== 1) {
    return { kind: "gather", why: `index ${run.dim} = ${text}: runs of ${G.g} lanes read elements ${a} apart, not consecutive; loads stay scalar` };
  }
  const base = symAdd(run.base, symDivExact(G.c, G.g, ctx));
  const at = `kv0 / ${G.g}${base.size ? ` + ${formatSym(base, ctx)}` : ""}`;
  const proof = `${lanes}; ${G.c.size ? `${formatSym(G.c, ctx)} ≡ 0 mod ${G.g} and ` : ""}kv0 % ${V} == 0 (tile contract), so runs are aligned to the call: lane i reads element ${at} + floor(i / ${G.g}), ${V / G.g} consecutive elements`;
  return { kind: "grouped", g: G.g, run: { ...run, base }, index: text, proof };
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

/** For a load under a condition: the indices (by load id) not proven in range when conditions are ignored. */
type OpenIndices = () => Map<number, number[]>;

function classifyLoad(raw: RawLoad, declared: TensorFact | null, env: Env, ctx: FormCtx, input: ClassifyInput, guarded: OpenIndices | null, staging: Map<number, Obligation[]>): LoadFact {
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
  const laneShapeOf = laneShape(forms, tensor, ctx, V);
  const unsafe = guarded && laneShapeOf.kind !== "gather" ? guardedUnsafe(raw.id, forms, tensor, ctx, guarded) : null;
  const shape: Shape = unsafe ? { kind: "gather", why: unsafe } : laneShapeOf;
  if (guarded && !unsafe && shape.kind !== "gather") {
    proof.push("the load runs only under a condition, but every index is in range whatever the condition says (proven for every size): it is hoisted out of the condition");
  }
  if (shape.kind === "uniform") {
    proof.push(`no index depends on kv: one ${e} B load per call, broadcast to the ${V} lane${V === 1 ? "" : "s"}`);
    // The kernel's own entry (codegen/cuda.ts emitUniforms) takes it out of the kv loop.
    const perWorkItem = input.target.fusedEntry === true && (input.kind ?? "score") === "score";
    if (perWorkItem) {
      proof.push("the runner's Hopper kernel loads it once per work item for each of a thread's two query rows, before the kv tile loop, not once per tile (a varlen run loads it per call)");
    }
    return { ...head, class: "uniform", widthElems: 1, widthBytes: e, loadsPerVec: 1, why: null, fix: null, obligations: [], proof, ...(perWorkItem ? { perWorkItem: true as const } : {}) };
  }
  if (shape.kind === "gather") {
    proof.push(shape.why);
    return scalarFact(head, "gather", e, V, shape.why, proof);
  }
  if (shape.kind === "grouped") {
    proof.push(shape.proof);
    if (shape.run === null) {
      proof.push(`→ one ${e} B load per call, broadcast to the ${V} lane${V === 1 ? "" : "s"}`);
      const note = V === 1 ? sharedByMoreLanes(forms, tensor, ctx, input) : { why: null, fix: null };
      return { ...head, class: "grouped", group: shape.g, widthElems: 1, widthBytes: e, loadsPerVec: 1, ...note, obligations: [], proof };
    }
    const n = V / shape.g;
    const res = contiguousWidth({ tensor, shape: { kind: "contiguous", ...shape.run }, V, elems: n, group: { g: shape.g, index: shape.index }, ctx, input });
    proof.push(...res.proof);
    return {
      ...head, class: "grouped", group: shape.g, widthElems: res.w, widthBytes: res.w * e, loadsPerVec: n / res.w,
      why: res.why, fix: res.fix, ...(res.safeFix ? { safeFix: res.safeFix } : {}), obligations: res.obligations, proof,
    };
  }
  proof.push(`kv enters only dim ${shape.dim} (stride 1) with coefficient +1: contiguous`);
  if (shape.period) proof.push(shape.period.proof);
  const args: WidthArgs = { tensor, shape, V, elems: V, ctx, input };
  const res = contiguousWidth(args);
  proof.push(...res.proof);
  const fact: LoadFact = {
    ...head, class: "contiguous", widthElems: res.w, widthBytes: res.w * e, loadsPerVec: V / res.w,
    why: res.why, fix: res.fix, ...(res.safeFix ? { safeFix: res.safeFix } : {}), obligations: res.obligations, proof,
  };
  if (input.target.auxStaging) {
    // A staged row is one contiguous run of the tile's kv columns; this index is contiguous only within a call.
    const d = shape.period
      ? { staged: false as const, why: `its index jumps every ${shape.period.n} kv (it is contiguous within a call, not along a tile's row of kv columns)` }
      : decideStaging({
        target: input.target, elemBytes: e, halfFloat: tensor.dtype === "bf16" || tensor.dtype === "f16", unitStrideDim: shape.dim, idx: raw.idx, env,
        largestLegal: (cap) => largestLegal(cap, args),
        obligationsAt: (w) => obligationsFor(w, { ...args, V: w, elems: w }),
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
 * Why a guarded load may read out of bounds when its condition fails, or null when it may not.
 * Uniform, grouped and contiguous loads are hoisted and widened, so they run whatever the
 * condition says: every index must be in range with the condition ignored. The quick check
 * (unguardedOutOfBounds) proves the common shapes; otherwise the bounds that hold at every size
 * (symBounds.ts, conditions ignored, as for the Python exports) decide: `min(q, 63)` into 64.
 */
function guardedUnsafe(id: number, forms: Form[], tensor: TensorFact, ctx: FormCtx, open: OpenIndices): string | null {
  const quick = unguardedOutOfBounds(forms, tensor, ctx);
  return quick === null || !open().has(id) ? null : quick;
}

/**
 * Why a guarded load may read out of bounds when its condition fails (null when every index is
 * provably inside its dim: b in B, h in H, q in Q, kv in KV, or a constant inside a dim).
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
  /** Lanes per call, and the consecutive elements they read (V, or V / g for runs of g lanes). */
  V: number;
  elems: number;
  /** For runs of g lanes: g, and the moving index's text. Lane 0 reads element kv0 / g + base. */
  group?: { g: number; index: string };
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
  const { tensor, V, elems, input } = a;
  const target = input.target;
  const e = tensor.elemBytes;
  const byteCap = pow2Floor(Math.floor(target.maxLoadBytes / e));
  const targetCap = Math.min(byteCap, pow2Floor(target.vecCap));
  const wCap = Math.min(pow2Dividing(elems), targetCap);
  const proof: string[] = [
    `width cap v${wCap}: ${a.group ? `V / ${a.group.g} = ${elems} elements` : `V = ${V}`}; ${target.id} loads at most ${target.maxLoadBytes} B = ${byteCap} × ${e} B` +
      (target.ownership === "pairs" ? `; pairs ownership caps V at ${target.vecCap}` : ""),
  ];
  const w = largestLegal(wCap, a);
  proof.push(...widthProof(w, a));
  const { why, fix } = w < wCap ? missingFact(w, wCap, a) : limitNote(w, a, targetCap);
  // A promise fix has a safe twin: V down to the width the facts already prove (w < wCap <= V);
  // with runs of g lanes, w elements are w * g lanes.
  const safeV = w * (a.group?.g ?? 1);
  const safeFix = w < wCap && fix ? setOptionFix(input.options, "vecSize", String(safeV), `Set vecSize: ${safeV} (as wide as ${tensor.varName}'s declared facts prove; no promise needed)`, "first") : null;
  const n = elems / w;
  proof.push(w > 1 ? `→ v${w} · ${w * e} B · ${n} load${n === 1 ? "" : "s"} / ${V} scores` : `→ scalar loads${why ? `: ${why}` : ""}`);
  return { w, why, fix, ...(safeFix ? { safeFix } : {}), obligations: w > 1 ? obligationsFor(w, a) : [], proof };
}

function widthProof(w: number, a: WidthArgs): string[] {
  if (w <= 1) return [];
  const { tensor, shape, ctx, V } = a;
  const steps = [`align ${tensor.align} B is a multiple of ${w * tensor.elemBytes} B`];
  steps.push(`lane 0 of dim ${shape.dim} is ${laneZero(a)}; ${formatSym(shape.base, ctx)} ≡ 0 mod ${w}`);
  for (const o of shape.outer) {
    const stride = tensor.strides[o.dim] ?? [];
    if (symV2(o.idx, ctx) === V2_ZERO) { steps.push(`dim ${o.dim}: index 0 adds nothing`); continue; }
    const facts = [...new Set(stride.flatMap((m) => m.vars))]
      .filter((x) => factValue(ctx.divisible, x) > 1)
      .map((x) => `${x} % ${factValue(ctx.divisible, x)} == 0 declared`);
    steps.push(`dim ${o.dim}: ${formatSym(o.idx, ctx)} × stride ${formatPoly(stride)} is a multiple of ${w}${facts.length ? ` (${facts.join(", ")})` : ""}`);
  }
  steps.push(a.group
    ? `kv0 % ${V} == 0 (tile contract), so kv0 / ${a.group.g} % ${w} == 0 (${w} divides ${a.elems})`
    : `kv0 % ${V} == 0 (tile contract), so kv0 % ${w} == 0`);
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
        ? `lane 0 is at ${laneZero(a).replace(/\bkv0\b/g, "kv")}`
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
        ? `the first lane is at ${a.group ? `kv / ${a.group.g}` : "kv"} + ${base}: offset ${base} is not a multiple of ${w * 2}, so a v${w * 2} load would be misaligned; make the offset a multiple of ${reach} (pad ${tensor.name} if needed)`
        : `the first lane is at ${a.group ? `kv / ${a.group.g}` : "kv"} + ${base}, not known to be a multiple of ${w * 2}; change the index so its offset is a multiple of ${reach}`,
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

/** What lane 0 reads in the moving dim: kv0 + base, or kv0 / g + base for runs of g lanes. */
function laneZero(a: Pick<WidthArgs, "shape" | "ctx" | "group">): string {
  if (a.shape.period) return formatSym(symAdd(new Map([["kv", 1]]), a.shape.base), a.ctx).replace(/\bkv\b/g, "kv0");
  return `${a.group ? `kv0 / ${a.group.g}` : "kv0"} + ${formatSym(a.shape.base, a.ctx)}`;
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

/**
 * At V = 1 a grouped load is one load per kv. The largest V (within what the target and FA4 take
 * for this kind of mod) at which a call still lies inside one run shares that load among V lanes.
 */
function sharedByMoreLanes(forms: Form[], tensor: TensorFact, ctx: FormCtx, input: ClassifyInput): { why: string | null; fix: Fix | null } {
  const t = input.target;
  const kindCap = input.kind === "mask" && t.fa4 ? t.fa4.maskVecMax : t.vecCap;
  for (let v = pow2Floor(Math.min(kindCap, t.tileN)); v >= 2; v /= 2) {
    const sh = laneShape(forms, tensor, ctx, v);
    if (sh.kind !== "grouped" || sh.run !== null) continue;
    const why = `V is 1${input.vecSizeExplicit ? "" : " (the default for mods with aux loads)"}: each call scores one kv and loads its element; ` +
      `at vecSize: ${v} a call's ${v} lanes lie in one run of ${sh.g} and share one load`;
    return { why, fix: setOptionFix(input.options, "vecSize", String(v), `Set vecSize: ${v}`, "first") };
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
  // Runs of g lanes: the V lanes read V / g elements, from an index that is not kv itself.
  if (extent === "KV" && !a.group) out.push({ kind: "dim-multiple", text: `KV % ${V} == 0`, dim: "KV", value: V });
  if (extent !== "KV" || !baseZero || a.group) {
    const idx = a.group ? a.group.index
      : baseZero ? "kv"
      : shape.period ? formatSym(symAdd(new Map([["kv", 1]]), shape.base), ctx)
      : `kv + ${formatSym(shape.base, ctx)}`;
    out.push({
      kind: "in-bounds",
      text: `${name}: ${idx} < ${String(extent)} (dim ${shape.dim}) for every kv up to KV rounded up to a multiple of ${V}`,
      tensor: name, dim: shape.dim, value: a.elems,
    });
  }
  return out;
}
