// Per-mod rules of ARCHITECTURE.md "The legality model" (V and the target, register pressure) and the per-load notes
// that carry the classifier's fixes to the editor. Codes are stable: docs/diagnostics/<CODE>.md.
import type { ClassifyInput } from "./classify";
import type { Diagnostic, LoadFact } from "./facts";
import type { Range } from "./ir";
import { isPow2, pow2Floor } from "./poly";
import type { RegisterEstimate } from "./registers";
import { setOptionFix } from "./fixes";

export const SM_V_NOT_POW2 = "SM201";
export const SM_V_NOT_DIVIDING_TILE = "SM202";
export const SM_V_OVER_CAP = "SM203";
export const SM_REGISTERS = "SM204";
export const SM_V_CLIFF = "SM205";
export const SM_LOAD_NARROW = "SM210";
export const SM_LOAD_GATHER = "SM211";
/** FA4's own per-target rules (targets.ts Fa4Rules), where FA4 raises or lacks the feature. */
export const SM_FA4_MASK_VEC = "SM172";
export const SM_FA4_NO_SCORE_MOD = "SM173";
export const SM_FA4_FORWARD_ONLY = "SM174";

type ModInput = Pick<ClassifyInput, "mod" | "kind" | "target" | "vecSize" | "vecSizeExplicit" | "options" | "modRange">;

function vecRange(input: ModInput): Range {
  return Object.prototype.hasOwnProperty.call(input.options.props, "vecSize") ? input.options.props.vecSize : input.modRange;
}

/** The largest V the target accepts: a power of two, within the cap, dividing tileN. */
export function maxLegalV(input: ModInput): number {
  const t = input.target;
  let v = pow2Floor(Math.min(t.vecCap, t.tileN));
  while (v > 1 && t.tileN % v !== 0) v /= 2;
  return v;
}

export function modDiagnostics(input: ModInput, loads: LoadFact[], regs: RegisterEstimate): Diagnostic[] {
  return [...vecSizeRules(input), ...registerRules(input, loads, regs)];
}

function vecFix(input: ModInput, v: number): ReturnType<typeof setOptionFix> {
  return setOptionFix(input.options, "vecSize", String(v), `Set vecSize: ${v}`, "first");
}

function withFix(d: Diagnostic, fix: ReturnType<typeof setOptionFix>): Diagnostic {
  return fix ? { ...d, fixes: [fix] } : d;
}

/**
 * FA4's rules for the target (flash_attn/cute: the sm80/sm90/sm120 forward raises for a mask_mod
 * __vec_size__ above 1; flash_attn_func raises NotImplementedError for a custom score_mod on SM8x;
 * SM 12.0's backward asserts score_mod and mask_mod are None). Errors where FA4 raises, so nothing
 * is generated or exported that FA4 would refuse; a warning where it runs forward only.
 */
export function fa4Rules(input: ModInput): Diagnostic[] {
  const r = input.target.fa4;
  if (!r) return [];
  const t = input.target.id;
  const out: Diagnostic[] = [];
  if (input.kind === "mask" && input.vecSize > r.maskVecMax) {
    out.push(withFix({
      range: vecRange(input), severity: "error", code: SM_FA4_MASK_VEC,
      message: `a mask mod with vecSize ${input.vecSize} is refused by FA4 on ${t}: its forward kernel raises for a mask_mod __vec_size__ above ${r.maskVecMax} ` +
        `(a thread owns only pairs of kv in the mma accumulator). Only fa4-sm100 (sm100/sm110) takes vectorized masks, as packed 32-bit words.`,
    }, vecFix(input, r.maskVecMax)));
  }
  if (input.kind === "score" && !r.customScoreMods) {
    out.push({
      range: input.modRange, severity: "error", code: SM_FA4_NO_SCORE_MOD,
      message: `FA4 on ${t} does not run user score mods: flash_attn_func raises NotImplementedError ("Custom user-provided score_mod is not supported on SM8x"). ` +
        `Use fa4-sm90 or fa4-sm100, or the runner's targets.`,
    });
  }
  if (!r.backwardMods) {
    out.push({
      range: input.modRange, severity: "warning", code: SM_FA4_FORWARD_ONLY,
      message: `FA4 on ${t} runs this ${input.kind === "score" ? "score_mod" : "mask_mod"} forward only: its backward asserts ${input.kind === "score" ? "score_mod" : "mask_mod"} is None, ` +
        `so training through it raises. (The DSL has no separate backward mods; FA4's score_mod_bwd is not generated.)`,
    });
  }
  return out;
}

export function vecSizeRules(input: ModInput): Diagnostic[] {
  return [...vecRules(input), ...fa4Rules(input)];
}

function vecRules(input: ModInput): Diagnostic[] {
  const V = input.vecSize;
  const t = input.target;
  const range = vecRange(input);
  const best = maxLegalV(input);
  if (!isPow2(V)) {
    const v = Math.min(best, Number.isFinite(V) && V >= 1 ? pow2Floor(V) : 1);
    return [withFix({
      range, severity: "error", code: SM_V_NOT_POW2,
      message: `vecSize must be a power of two (1, 2, 4, ..., ${best}); got ${V}. Lanes are loaded in power-of-two vectors and kv0 is a multiple of V.`,
    }, vecFix(input, v))];
  }
  const out: Diagnostic[] = [];
  if (V > t.vecCap) {
    const message = t.ownership === "pairs"
      ? `vecSize ${V} exceeds ${t.vecCap} on ${t.id}: its mma accumulator layout gives each thread only pairs of adjacent kv, so the mod sees at most ${t.vecCap} lanes per call (FA4 caps V at 2 on sm80/sm90).`
      : `vecSize ${V} exceeds ${t.vecCap}, the most lanes ${t.id} hands a mod per call.`;
    out.push(withFix({ range, severity: "error", code: SM_V_OVER_CAP, message }, vecFix(input, best)));
  }
  if (t.tileN % V !== 0) {
    out.push(withFix({
      range, severity: "error", code: SM_V_NOT_DIVIDING_TILE,
      message: `vecSize ${V} must divide the tile width ${t.tileN} of ${t.id}: each thread calls the mod on V consecutive kv of a ${t.tileN}-column tile.`,
    }, vecFix(input, best)));
  }
  return out;
}

function registerRules(input: ModInput, loads: LoadFact[], regs: RegisterEstimate): Diagnostic[] {
  const out: Diagnostic[] = [];
  const range = vecRange(input);
  const t = input.target;
  const V = regs.lanes;
  if (regs.estimate > regs.budget) {
    const smaller = Math.max(1, V / 2);
    out.push(withFix({
      range, severity: "warning", code: SM_REGISTERS,
      message: `estimated ${regs.estimate} registers per thread exceed ${t.id}'s budget of ${regs.budget}: expect spills and a slower kernel ` +
        `(kernel ${regs.kernel} + addressing ${regs.addressing} + loaded values ${regs.loaded} + ${V} lanes × ${regs.tempsPerLane} temporaries). ` +
        (V > 1 ? "Lower vecSize." : "vecSize is already 1: read fewer aux values or keep fewer intermediate values live (split the mod's work across consts it reuses)."),
    }, V > 1 && isPow2(V) ? vecFix(input, smaller) : null));
  }
  if (t.ownership === "row" && V >= 128 && loads.some((l) => l.class !== "uniform")) {
    out.push(withFix({
      range, severity: "warning", code: SM_V_CLIFF,
      message: `vecSize ${V} is past the cliff FA4 measured on B200: a kv-bias mod ran ~855 TFLOPS at V=64 (aligned) and fell back to ~301 at V=128 (register pressure). Prefer vecSize 64 or less.`,
    }, vecFix(input, 64)));
  }
  return out;
}

/** Info notes per load: a fix that would widen it (SM210), or why a V-lane gather stays scalar (SM211). */
export function loadDiagnostics(loads: LoadFact[], V: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const l of loads) {
    if (l.why && l.fix) {
      out.push({ range: l.range, severity: "info", code: SM_LOAD_NARROW, message: `${l.text}: ${l.why}`, fixes: l.safeFix ? [l.safeFix, l.fix] : [l.fix] });
    } else if (l.class === "gather" && V > 1 && l.why) {
      out.push({ range: l.range, severity: "info", code: SM_LOAD_GATHER, message: `${l.text}: ${l.why}` });
    }
  }
  return out;
}
