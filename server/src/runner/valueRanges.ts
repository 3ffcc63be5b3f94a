// The `values: [lo, hi]` promise of integer aux tensors (index tensors), checked on the bytes the
// kernel will read before every launch: the analysis's index bounds may rest on it (bounds.ts).
import type { AuxData } from "./data";
import type { ObligationCheck } from "./obligations";

export function checkValueRanges(aux: readonly AuxData[], declared: ReadonlyMap<string, readonly [number, number]>): ObligationCheck[] {
  const out: ObligationCheck[] = [];
  for (const a of aux) {
    const r = declared.get(a.name);
    if (!r) continue;
    const text = `${a.name} values in [${r[0]}, ${r[1]})`;
    const view = a.dtype === "i32" ? new Int32Array(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength >> 2)
      : a.dtype === "u32" ? new Uint32Array(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength >> 2)
      : a.dtype === "u8" ? a.bytes : null;
    if (!view) { out.push({ text, tensor: a.name, ok: false, detail: `${a.name} is ${a.dtype}: values applies to i32, u8 and u32` }); continue; }
    let bad = -1, lo = Infinity, hi = -Infinity;
    for (let i = 0; i < view.length; i++) {
      const v = view[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (bad < 0 && (v < r[0] || v >= r[1])) bad = i;
    }
    out.push(bad < 0
      ? { text, tensor: a.name, ok: true, detail: `${a.name} holds values in [${lo}, ${hi}]` }
      : { text, tensor: a.name, ok: false, detail: `${a.name} holds ${view[bad]} at element ${bad} (its values span [${lo}, ${hi}])` });
  }
  return out;
}
