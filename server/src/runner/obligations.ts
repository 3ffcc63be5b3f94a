// Checks the analysis's runtime obligations (and the kernel's own) against the real buffers
// before every launch. A failure is a refusal naming the mod, tensor and obligation: the kernel
// would otherwise read misaligned vectors (a fault) or past the end (wrong results).
import type { Obligation } from "../analysis/facts";

export interface BoundTensor {
  name: string;
  ptr: bigint;
  elemBytes: number;
  shape: readonly number[];
  strides: readonly number[];
  allocElements: number;
}

export interface ObligationCheck { text: string; ok: boolean; detail: string; tensor?: string }

export function checkObligation(o: Obligation, tensors: ReadonlyMap<string, BoundTensor>, dims: Readonly<Record<string, number>>): ObligationCheck {
  const t = o.tensor !== undefined ? tensors.get(o.tensor) : undefined;
  const needTensor = (): ObligationCheck => ({ text: o.text, ok: false, tensor: o.tensor, detail: `no tensor named '${o.tensor}' was bound` });
  switch (o.kind) {
    case "ptr-align": {
      if (!t) return needTensor();
      const rem = Number(t.ptr % BigInt(o.value));
      return { text: o.text, tensor: t.name, ok: rem === 0, detail: `${t.name} base pointer 0x${t.ptr.toString(16)} % ${o.value} = ${rem}` };
    }
    case "stride-multiple": {
      if (!t) return needTensor();
      const d = Number(o.dim);
      const s = t.strides[d];
      if (s === undefined) return { text: o.text, tensor: t.name, ok: false, detail: `${t.name} has no dim ${d}` };
      return { text: o.text, tensor: t.name, ok: s % o.value === 0, detail: `${t.name} stride of dim ${d} = ${s} (multiple of ${o.value} needed)` };
    }
    case "dim-multiple": {
      const name = String(o.dim);
      const v = dims[name];
      if (v === undefined) return { text: o.text, ok: false, detail: `dim ${name} has no value` };
      return { text: o.text, ok: v % o.value === 0, detail: `${name} = ${v} (multiple of ${o.value} needed)` };
    }
    case "in-bounds": {
      // The widest access (value elements from an aligned start) must stay inside the allocation.
      if (!t) return needTensor();
      return { text: o.text, tensor: t.name, ok: t.allocElements % o.value === 0, detail: `${t.name} spans ${t.allocElements} elements (multiple of ${o.value} needed)` };
    }
  }
}

/** The kernel's own launch obligations (attention_abi.cuh): 16-byte pointers, strides % 8. */
export function kernelObligations(buffers: { name: string; ptr: bigint; strides: readonly number[] }[]): ObligationCheck[] {
  const out: ObligationCheck[] = [];
  for (const b of buffers) {
    const rem = Number(b.ptr % 16n);
    out.push({ text: `${b.name}.data_ptr() % 16 == 0`, ok: rem === 0, tensor: b.name, detail: `${b.name} at 0x${b.ptr.toString(16)}` });
    const bad = b.strides.filter((s) => s % 8 !== 0);
    out.push({ text: `${b.name} strides % 8 == 0`, ok: bad.length === 0, tensor: b.name, detail: `${b.name} strides ${b.strides.join(", ")}` });
  }
  return out;
}
