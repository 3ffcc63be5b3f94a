// Source <-> generated line mapping for the CUDA and PTX previews (every generated line carries
// the 0-based source line it came from, or -1).
export class LineMap {
  private readonly bySource = new Map<number, number[]>();

  constructor(readonly generatedToSource: readonly number[]) {
    generatedToSource.forEach((src, gen) => {
      if (src < 0) return;
      const list = this.bySource.get(src);
      if (list) list.push(gen);
      else this.bySource.set(src, [gen]);
    });
  }

  /** Generated lines (ascending) produced from `sourceLine`. */
  generatedLines(sourceLine: number): number[] { return this.bySource.get(sourceLine) ?? []; }

  /** The source line of a generated line; for unmapped lines, the nearest mapped line above. */
  sourceLine(generatedLine: number): number | null {
    for (let g = Math.min(generatedLine, this.generatedToSource.length - 1); g >= 0; g--) {
      const s = this.generatedToSource[g];
      if (s >= 0) return s;
    }
    return null;
  }

  /** Contiguous runs of generated lines for a source line (one decoration range each). */
  runs(sourceLine: number): [number, number][] {
    const out: [number, number][] = [];
    for (const g of this.generatedLines(sourceLine)) {
      const last = out[out.length - 1];
      if (last && last[1] === g - 1) last[1] = g;
      else out.push([g, g]);
    }
    return out;
  }
}
