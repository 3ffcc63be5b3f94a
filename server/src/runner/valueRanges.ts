// The `values: [lo, hi]` promise of integer aux tensors (index tensors), checked on the bytes the
// kernel will read before every launch: the analysis's index bounds may rest on it (bounds.ts).
import type { AuxData } from "./data";
import type { ObligationCheck } from "./obligations";
import { INT_DTYPES_TEXT } from "scoremod/vocabulary";

/**
 * An integer tensor's stored values. For i64 the whole value: a promise inside the int32 range
 * that the real values keep makes the kernel's lanes (the value saturated to int32) equal to them.
 */
function intView(a: AuxData): ArrayLike<number> | null {
  const { buffer, byteOffset: o, byteLength: n } = a.bytes;
  switch (a.dtype) {
    case "i32": return new Int32Array(buffer, o, n >> 2);
    case "u32": return new Uint32Array(buffer, o, n >> 2);
    case "u8": return a.bytes;
    case "u16": return new Uint16Array(buffer, o, n >> 1);
    case "i8": return new Int8Array(buffer, o, n);
    case "i64": return Array.from(new BigInt64Array(buffer, o, n >> 3), Number);
    default: return null;
  }
}

export function checkValueRanges(aux: readonly AuxData[], declared: ReadonlyMap<string, readonly [number, number]>): ObligationCheck[] {
  const out: ObligationCheck[] = [];
  for (const a of aux) {
    const r = declared.get(a.name);
    if (!r) continue;
    const text = `${a.name} values in [${r[0]}, ${r[1]})`;
    const view = intView(a);
    if (!view) { out.push({ text, tensor: a.name, ok: false, detail: `${a.name} is ${a.dtype}: values applies to integer tensors (${INT_DTYPES_TEXT})` }); continue; }
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
