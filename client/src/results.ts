// Results of runs, per (document, mod), and how the CodeLens shows them. A result remembers the
// document version it ran on; once the document changes it is shown as stale until the next run.
export interface BenchSummary {
  /** What ran: the runner's kernel ("Hopper kernel", "portable kernel"). */
  target: string;
  /** Why the kernel or V differs from what the file asks for (V capped, fallback), if it does. */
  note?: string;
  vecSize: number;
  timeMs: number;
  tflops: number;
  /** Vectorized output bitwise equal to the V=1 build. */
  vecEqualsScalar: boolean;
  /** Max abs error vs the fp32 reference kernel. */
  maxError: number;
  registers: number;
  spills: number;
  /** Fraction of tiles the block map skipped (proven or classified empty), when a map ran. */
  skipped?: number;
  /** Tensors that read the user's files instead of generated samples ("table ← /data/t.npy"), if any. */
  userAux?: string;
  /** The reps ran at two speeds (the runner's formatStep sentence), if they did. */
  unsteady?: string;
  /** What the mod costs over the same kernel with no mod (launches alternated): "+5.2% vs no mod" ("vs dense no mod" for a mask), and the runner's sentence. */
  vsNone?: { cost: string; detail: string };
}

export type RunRecord =
  | { kind: "bench"; version: number; at: number; summary: BenchSummary }
  | { kind: "error"; version: number; at: number; message: string };

export class ResultStore {
  private readonly byDoc = new Map<string, Map<string, RunRecord>>();

  set(uri: string, mod: string, r: RunRecord): void {
    let m = this.byDoc.get(uri);
    if (!m) this.byDoc.set(uri, (m = new Map()));
    m.set(mod, r);
  }

  get(uri: string, mod: string): RunRecord | undefined { return this.byDoc.get(uri)?.get(mod); }

  clear(uri: string): void { this.byDoc.delete(uri); }
}

function fmtNum(x: number, digits = 3): string {
  if (Number.isNaN(x)) return "—"; // not measured (e.g. a correctness-only run)
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) < 1e-3 || Math.abs(x) >= 1e5)) return x.toExponential(1);
  return Number(x.toPrecision(digits)).toString();
}

/** The CodeLens title of a result; `currentVersion` decides staleness. */
export function resultTitle(r: RunRecord, currentVersion: number): string {
  const stale = r.version !== currentVersion ? "$(history) stale · " : "";
  if (r.kind === "error") return `${stale}$(error) ${r.message.split("\n")[0].slice(0, 120)}`;
  const s = r.summary;
  const skipped = s.skipped ? ` · ${(100 * s.skipped).toFixed(0)}% tiles skipped` : "";
  const user = s.userAux ? " · your aux data" : "";
  const unsteady = s.unsteady ? " (two speeds)" : "";
  const cost = s.vsNone ? ` · ${s.vsNone.cost}` : "";
  return `${stale}${fmtNum(s.timeMs)} ms${unsteady}${cost} · ${fmtNum(s.tflops)} TFLOPS${skipped}${user} · vec==scalar ${s.vecEqualsScalar ? "✓" : "✗"} · max err ${fmtNum(s.maxError, 2)} · ${s.registers} regs/${s.spills} spills (V=${s.vecSize}, ${s.target})`;
}

export function resultTooltip(r: RunRecord, currentVersion: number): string {
  const when = new Date(r.at).toISOString().replace("T", " ").slice(0, 19);
  const stale = r.version !== currentVersion ? " The file changed since: run again for current numbers." : "";
  const note = r.kind === "bench" && r.summary.note ? ` ${r.summary.note}.` : "";
  const user = r.kind === "bench" && r.summary.userAux ? ` Aux data from your files: ${r.summary.userAux}.` : "";
  const unsteady = r.kind === "bench" && r.summary.unsteady ? ` Time: ${r.summary.unsteady}.` : "";
  const cost = r.kind === "bench" && r.summary.vsNone ? ` Cost: ${r.summary.vsNone.detail}.` : "";
  return `Last run ${when} UTC on document version ${r.version}.${note}${user}${unsteady}${cost}${stale}`;
}
