// The editor's Show PTX text (pure): the mod's instructions from the proof kernel nvcc compiled
// (the device functions are inlined there), per source line, with each aux load's global loads
// under a heading naming the load, then the line's other instructions. The kernel's own
// instructions (reading the test coordinates and scores, storing the results) are counted, not shown.
import type { EmittedLoad, GeneratedCuda } from "./cuda";
import { globalLoad, parsePtx, type PtxInstr } from "./ptxMap";

export interface PtxPreview {
  text: string;
  /** For each preview line (0-based), the 0-based source line, or -1. */
  lineMap: number[];
  /** Per source line, the preview lines of its instructions. */
  groups: { sourceLine: number; ptxLines: number[] }[];
  /** Global load instructions per source line (0-based, as a string) and kind, e.g. "ld.global.v4 (16 B)". */
  loadsByLine: Record<string, Record<string, number>>;
}

/**
 * `loadText`: each load's source text by id (LoadFact.text). `sassNote`: why SASS is not shown
 * (toolchain/nvcc.ts sassNote), a line of the header rather than a silent omission.
 */
export function ptxPreview(ptx: string, gen: GeneratedCuda, sourceLines: string[], loadText: ReadonlyMap<number, string>, sassNote: string): PtxPreview {
  const map = parsePtx(ptx, (f) => f === gen.lineFile || f.endsWith("/" + gen.lineFile));
  const inKernel = map.instrs.filter((i) => i.func === gen.kernelName);
  const instrs = inKernel.length ? inKernel : map.instrs;
  const byLine = new Map<number, PtxInstr[]>();
  for (const i of instrs) if (i.line !== null) (byLine.get(i.line) ?? byLine.set(i.line, []).get(i.line)!).push(i);
  const harness = instrs.filter((i) => i.line === null).length;

  const out: string[] = [];
  const lineMap: number[] = [];
  const groups: PtxPreview["groups"] = [];
  const loadsByLine: PtxPreview["loadsByLine"] = {};
  const push = (text: string, src: number): void => { out.push(text); lineMap.push(src); };
  push(`// PTX of ${gen.mod} (${gen.target}, V=${gen.vecSize}), inlined into the proof kernel ${gen.kernelName}: by source line, each aux load's global loads under its own heading`, -1);
  push(`// Not shown: the kernel's own ${harness} instruction(s) (test coordinates and scores in, results out).`, -1);
  push(`// ${sassNote}`, -1);
  for (const [line, ins] of [...byLine].sort(([a], [b]) => a - b)) {
    const src = line - 1;
    const group = { sourceLine: src, ptxLines: [] as number[] };
    groups.push(group);
    const emit = (i: PtxInstr): void => { group.ptxLines.push(out.length); push(`    ${i.text}`, src); };
    push("", -1);
    push(`// ${gen.lineFile}:${line}: ${(sourceLines[src] ?? "").trim()}`, src);
    const { perLoad, rest } = assignLoads(ins, gen.loads.filter((l) => l.srcLine === line));
    for (const { load, instrs: li } of perLoad) {
      push(`//   load #${load.id} ${loadText.get(load.id) ?? load.tensor}: ${describe(load, perLoad)}`, src);
      li.forEach(emit);
    }
    if (rest.length) {
      if (perLoad.length) push(`//   the rest of line ${line}`, src);
      rest.forEach(emit);
    }
    for (const i of ins) {
      const g = globalLoad(i.text);
      if (!g) continue;
      const key = `ld.global${g.vec > 1 ? `.v${g.vec}` : ""} (${g.bytes} B)`;
      const byKind = (loadsByLine[String(src)] ??= {});
      byKind[key] = (byKind[key] ?? 0) + 1;
    }
  }
  return { text: out.join("\n"), lineMap, groups, loadsByLine };
}

/**
 * Each load of the line claims, in id order, the line's global loads of its width (as many as
 * it issues); `.loc` gives lines, not loads, so two loads of one width on one line are told
 * apart by program order, which the heading says.
 */
function assignLoads(ins: PtxInstr[], loads: EmittedLoad[]): { perLoad: { load: EmittedLoad; instrs: PtxInstr[] }[]; rest: PtxInstr[] } {
  const claimed = new Set<PtxInstr>();
  const perLoad = [...loads].sort((a, b) => a.id - b.id).map((load) => {
    const mine: PtxInstr[] = [];
    for (const i of ins) {
      if (mine.length >= load.instructions) break;
      if (!claimed.has(i) && globalLoad(i.text)?.bytes === load.widthBytes) { claimed.add(i); mine.push(i); }
    }
    return { load, instrs: mine };
  });
  return { perLoad, rest: ins.filter((i) => !claimed.has(i)) };
}

function describe(load: EmittedLoad, line: { load: EmittedLoad }[]): string {
  if (load.sameAs !== null) return `reads what load #${load.sameAs} reads: no instructions of its own`;
  const shared = line.some((o) => o.load !== load && o.load.sameAs === null && o.load.widthBytes === load.widthBytes);
  return `${load.class}, ${load.instructions} x ${load.widthBytes} B${shared ? " (one width with another load of this line: told apart by program order)" : ""}`;
}
