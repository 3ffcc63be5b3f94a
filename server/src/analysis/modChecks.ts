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

type ModInput = Pick<ClassifyInput, "mod" | "target" | "vecSize" | "vecSizeExplicit" | "options" | "modRange">;

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

export function vecSizeRules(input: ModInput): Diagnostic[] {
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
        `(kernel ${regs.kernel} + addressing ${regs.addressing} + loaded values ${regs.loaded} + ${V} lanes × ${regs.tempsPerLane} temporaries). Lower vecSize.`,
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
      out.push({ range: l.range, severity: "info", code: SM_LOAD_NARROW, message: `${l.text}: ${l.why}`, fixes: [l.fix] });
    } else if (l.class === "gather" && V > 1 && l.why) {
      out.push({ range: l.range, severity: "info", code: SM_LOAD_GATHER, message: `${l.text}: ${l.why}` });
    }
  }
  return out;
}
