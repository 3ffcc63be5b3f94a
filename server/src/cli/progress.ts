// `[k/N]` counters on stderr for long `bench` runs: which mod of the file (when there are
// several) and, in a sweep, which cell of the V x align grid is running. On by default only when
// stderr is a terminal; `--progress` asks for it anywhere (a CI log, or beside --json, whose
// document stays alone on stdout). Fed by the runner's progress events, it keeps no timers.
import type { Io } from "./args";

export interface ProgressOptions {
  /** How many mods the run covers (one counter line per mod when above 1). */
  mods: number;
  /** --progress given. */
  asked: boolean;
  /** --json given: without --progress the stage lines are not printed either. */
  json: boolean;
}

export class BenchProgress {
  readonly counters: boolean;
  private readonly stages: boolean;
  private mod = 0;
  private modName = "";
  private cells = 0;
  private cell = 0;

  constructor(private readonly io: Io, private readonly opts: ProgressOptions) {
    this.counters = opts.asked || io.errIsTTY === true;
    this.stages = !opts.json || opts.asked;
  }

  /** A mod starts (1-based index k of N). */
  startMod(name: string, kind: "bench" | "sweep"): void {
    this.mod++;
    this.modName = name;
    this.cells = 0;
    this.cell = 0;
    if (this.counters && this.opts.mods > 1) this.io.err(`[${this.mod}/${this.opts.mods}] ${kind} ${name}\n`);
  }

  /** One runner progress event (supervisor onProgress), or undefined to not listen at all. */
  get onProgress(): ((stage: string, detail?: string) => void) | undefined {
    if (!this.stages) return undefined;
    return (stage, detail) => this.event(stage, detail);
  }

  event(stage: string, detail?: string): void {
    if (!this.counters) {
      this.io.err(`  .. ${stage}${detail ? ` ${detail}` : ""}\n`);
      return;
    }
    // The sweep announces its grid ("compile", "32 cells"), then one "cell" event per cell it runs.
    const grid = stage === "compile" ? /^(\d+) cells$/.exec(detail ?? "") : null;
    if (grid) { this.cells = Number(grid[1]); this.cell = 0; }
    if (stage === "cell" && this.cells > 0) {
      this.cell++;
      this.io.err(`  [${this.cell}/${this.cells}] ${this.modName ? `${this.modName} ` : ""}${detail ?? ""}\n`);
      return;
    }
    this.io.err(`  .. ${stage}${detail ? ` ${detail}` : ""}\n`);
  }
}
