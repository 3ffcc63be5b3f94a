// The `values: [lo, hi]` promise of integer aux tensors (index tensors), checked before every
// launch on the data the kernel will read, generated or the user's, by a scan on the GPU (any
// size): the analysis's index bounds may rest on it (bounds.ts). For i64 the whole 64-bit value
// is checked: a promise inside the int32 range that the real values keep makes the kernel's
// lanes (the value saturated to int32) equal to them.
import { INT_DTYPES_TEXT } from "scoremod/vocabulary";
import { isFloatDType } from "scoremod/dtypes";
import type { GpuSampler, RangeReport } from "./gpuSample";
import type { DeviceAux } from "./inputs";
import type { ObligationCheck } from "./obligations";
import { auxLayoutSpec } from "./sampleSpec";

/** The check's verdict from a scan's report (pure, for tests). */
export function rangeVerdict(name: string, dtype: string, r: readonly [number, number], rep: RangeReport | null): ObligationCheck {
  const text = `${name} values in [${r[0]}, ${r[1]})`;
  if (!rep) return { text, tensor: name, ok: false, detail: `${name} is ${dtype}: values applies to integer tensors (${INT_DTYPES_TEXT})` };
  return rep.firstBad === null
    ? { text, tensor: name, ok: true, detail: `${name} holds values in [${rep.lo}, ${rep.hi}]` }
    : { text, tensor: name, ok: false, detail: `${name} holds ${rep.badValue} at element ${rep.firstBad} (its values span [${rep.lo}, ${rep.hi}])` };
}

export async function checkValueRanges(aux: readonly DeviceAux[], declared: ReadonlyMap<string, readonly [number, number]>, sampler: GpuSampler): Promise<ObligationCheck[]> {
  const out: ObligationCheck[] = [];
  for (const a of aux) {
    const r = declared.get(a.name);
    if (!r) continue;
    const integer = !isFloatDType(a.dtype) && a.dtype !== "bool";
    const rep = integer ? await sampler.scan(auxLayoutSpec(a), a.ptr, r[0], r[1]) : null;
    out.push(rangeVerdict(a.name, a.dtype, r, rep));
  }
  return out;
}
