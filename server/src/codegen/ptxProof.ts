// The PTX proof (pure): what global loads the analysis promises on each source line, what the
// PTX actually issues there, and every disagreement. Used by the proof test and `scoremod cuda --ptx`.
import type { GeneratedCuda } from "./cuda";
import { globalLoadsByLine, type PtxMap } from "./ptxMap";

/** Source line (1-based) -> byte width of every load instruction expected there (sorted). */
export function expectedLoadsByLine(gen: GeneratedCuda): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const l of gen.loads) {
    if (l.sameAs !== null) continue;
    const arr = out.get(l.srcLine) ?? [];
    for (let i = 0; i < l.instructions; i++) arr.push(l.widthBytes);
    out.set(l.srcLine, arr);
  }
  for (const arr of out.values()) arr.sort((a, b) => a - b);
  return out;
}

export interface LoadMismatch { line: number; expected: number[]; actual: number[] }

function histogram(xs: number[]): string {
  if (!xs.length) return "none";
  const m = new Map<number, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m].sort((a, b) => b[0] - a[0]).map(([b, n]) => `${n} x ${b} B`).join(" + ");
}
export function describeMismatch(m: LoadMismatch): string {
  return `line ${m.line}: analysis expects ${histogram(m.expected)}, PTX has ${histogram(m.actual)}`;
}

/** Compare, in both directions: a line with loads the analysis does not promise is a mismatch too. */
export function checkProof(gen: GeneratedCuda, ptx: PtxMap): LoadMismatch[] {
  const expected = expectedLoadsByLine(gen);
  const actual = globalLoadsByLine(ptx, gen.kernelName);
  const lines = [...new Set([...expected.keys(), ...actual.keys()])].sort((a, b) => a - b);
  const out: LoadMismatch[] = [];
  for (const line of lines) {
    const e = expected.get(line) ?? [], a = actual.get(line) ?? [];
    if (e.length !== a.length || e.some((x, i) => x !== a[i])) out.push({ line, expected: e, actual: a });
  }
  return out;
}
