// The editor's Show SASS text (pure), from a disassembly of the proof kernel's cubin (the mod's
// device functions are inlined there) and ptxas's resource report. With nvdisasm's line table,
// instructions are grouped under the mod's source lines as in Show PTX (an instruction belongs to
// the innermost location of its inline chain that lies in the mod's file: a vector load inlined
// from the prelude's helper counts for the line that made it); the kernel's own instructions are
// counted, not shown. cuobjdump has no line table: its listing is shown whole, per function.
import type { GeneratedCuda } from "./cuda";
import type { FunctionResources, SassInstr, SassListing } from "./sassParse";

export interface SassPreview {
  text: string;
  /** For each preview line (0-based), the 0-based source line, or -1. */
  lineMap: number[];
  /** Per source line, the preview lines of its instructions. */
  groups: { sourceLine: number; sassLines: number[] }[];
  /** The proof kernel's registers and spills (ptxas -v), when reported. */
  resources: FunctionResources | null;
  /** Every instruction's opcode in the kernel (first word after a predicate), e.g. "LDG.E.128.CONSTANT". */
  opcodes: string[];
}

/** `@P0 LDG.E.128 R4, [R4.64] ;` -> "LDG.E.128". */
export function opcode(text: string): string {
  return text.replace(/^@!?\w+\s+/, "").split(/[\s;]/)[0] ?? "";
}

/** Bytes read by a global load opcode (LDG.E.128 -> 16, LDG.E.U16 -> 2, LDG.E -> 4), or null for other opcodes. */
export function ldgBytes(op: string): number | null {
  if (!/^LDG(\.|$)/.test(op)) return null;
  const parts = op.split(".");
  if (parts.includes("128")) return 16;
  if (parts.includes("64")) return 8;
  if (parts.some((p) => p === "U16" || p === "S16")) return 2;
  if (parts.some((p) => p === "U8" || p === "S8")) return 1;
  return 4;
}

export function describeResources(name: string, r: FunctionResources | null): string {
  if (!r) return `${name}: ptxas reported no registers or spills for it`;
  const n = (v: number | null, unit: string): string => (v === null ? `? ${unit}` : `${v} ${unit}`);
  return `${name}: ${n(r.registers, "registers")}, ${n(r.spillStoreBytes, "bytes spill stores")}, ${n(r.spillLoadBytes, "bytes spill loads")}, ${n(r.stackBytes, "bytes stack frame")} (ptxas -v)`;
}

/**
 * `listing`: the disassembly, or null when no disassembler was found (`note` then says why and
 * the text holds only the header and the resources). `resources`: parsePtxasInfo's answer.
 */
export function sassPreview(listing: SassListing | null, resources: ReadonlyMap<string, FunctionResources>, gen: GeneratedCuda,
  sourceLines: string[], note: string): SassPreview {
  const out: string[] = [];
  const lineMap: number[] = [];
  const groups: SassPreview["groups"] = [];
  const push = (text: string, src: number): void => { out.push(text); lineMap.push(src); };
  const res = resources.get(gen.kernelName) ?? null;
  const fn = listing?.functions.find((f) => f.name === gen.kernelName) ?? listing?.functions[0];
  const opcodes = fn ? fn.instrs.map((i) => opcode(i.text)) : [];
  const arch = fn?.arch ? `, ${fn.arch}` : "";
  push(`// SASS of ${gen.mod} (${gen.target}${arch}, V=${gen.vecSize}), inlined into the proof kernel ${gen.kernelName}`, -1);
  push(`// ${describeResources(gen.kernelName, res)}`, -1);
  push(`// ${note}`, -1);
  if (!listing || !fn) return { text: out.join("\n"), lineMap, groups, resources: res, opcodes };

  const isMod = (file: string): boolean => file === gen.lineFile || file.endsWith("/" + gen.lineFile);
  const byLine = new Map<number, SassInstr[]>();
  let other = 0;
  for (const i of fn.instrs) {
    const loc = i.where.find((w) => isMod(w.file));
    if (!loc) { other++; continue; }
    (byLine.get(loc.line) ?? byLine.set(loc.line, []).get(loc.line)!).push(i);
  }
  if (byLine.size === 0) {
    // No line table (cuobjdump), or none of it in the mod's file: the whole listing, per function.
    for (const f of listing.functions) {
      push("", -1);
      push(`// function ${f.name}${f.arch ? ` (${f.arch})` : ""}: ${f.instrs.length} instructions`, -1);
      for (const i of f.instrs) push(`    ${fmt(i)}`, -1);
    }
    return { text: out.join("\n"), lineMap, groups, resources: res, opcodes };
  }
  push(`// Not shown: the kernel's own ${other} instruction(s) (test coordinates and scores in, results out, padding).`, -1);
  for (const [line, ins] of [...byLine].sort(([a], [b]) => a - b)) {
    const src = line - 1;
    const group = { sourceLine: src, sassLines: [] as number[] };
    groups.push(group);
    push("", -1);
    push(`// ${gen.lineFile}:${line}: ${(sourceLines[src] ?? "").trim()}`, src);
    const loads = new Map<number, number>();
    for (const i of ins) {
      const b = ldgBytes(opcode(i.text));
      if (b !== null) loads.set(b, (loads.get(b) ?? 0) + 1);
    }
    if (loads.size) push(`//   global loads: ${[...loads].sort(([a], [b]) => b - a).map(([b, n]) => `${n} x ${b} B`).join(", ")}`, src);
    for (const i of ins) { group.sassLines.push(out.length); push(`    ${fmt(i)}`, src); }
  }
  return { text: out.join("\n"), lineMap, groups, resources: res, opcodes };
}

function fmt(i: SassInstr): string {
  return `/*${i.offset.toString(16).padStart(4, "0")}*/ ${i.text}`;
}
