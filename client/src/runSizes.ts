// The user's run sizes per .scoremod.ts file: values of the file's own dims (any dim but B, H, Q,
// KV and the totals, which the problem shape sets) and of its scalars, which the editor's
// Benchmark and Sweep pass as the job's `dims` and `scalars`. The runner refuses a job that
// leaves an own dim unset (server/src/runner/ownDims.ts); this is where the editor's user sets
// them. Remembered per workspace (workspaceState), keyed by the document's URI; no vscode import,
// so it is unit-tested with a plain object standing in for the Memento.
import type { StateLike } from "./auxFiles";

/** One workspaceState entry: document URI -> its sizes. */
export const RUN_SIZES_KEY = "scoremod.runSizes";

export interface RunSizes { dims: Record<string, number>; scalars: Record<string, number> }

type Table = Record<string, RunSizes>;

export class RunSizeStore {
  constructor(private readonly state: StateLike) {}

  private table(): Table { return this.state.get<Table>(RUN_SIZES_KEY) ?? {}; }

  /** The sizes set for a document (empty when none). */
  get(uri: string): RunSizes {
    const s = this.table()[uri];
    return { dims: { ...(s?.dims ?? {}) }, scalars: { ...(s?.scalars ?? {}) } };
  }

  /** Replaces the document's sizes (a scalar left out runs at its declared default); none at all forgets the document. */
  set(uri: string, sizes: RunSizes): Thenable<void> {
    const { [uri]: _old, ...rest } = this.table();
    const empty = !Object.keys(sizes.dims).length && !Object.keys(sizes.scalars).length;
    return this.state.update(RUN_SIZES_KEY, empty ? rest : { ...rest, [uri]: { dims: { ...sizes.dims }, scalars: { ...sizes.scalars } } });
  }

  clear(uri: string): Thenable<void> {
    const { [uri]: _dropped, ...rest } = this.table();
    return this.state.update(RUN_SIZES_KEY, rest);
  }
}

/** The job's `dims` and `scalars`: only those set (the runner names any own dim still missing). */
export function jobRunSizes(s: RunSizes): { dims?: Record<string, number>; scalars?: Record<string, number> } {
  return { ...(Object.keys(s.dims).length ? { dims: s.dims } : {}), ...(Object.keys(s.scalars).length ? { scalars: s.scalars } : {}) };
}

/** A dim's size as typed: a positive integer below 2^31 (sizes are int32 indices in the kernels), or why not. */
export function parseDimInput(text: string): { value: number } | { error: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) < 1) return { error: "A dim is a positive integer (1, 2, 3, …)." };
  const v = Number(t);
  if (v > 0x7fffffff) return { error: "A dim must be below 2^31 (it is an int32 index in the kernels)." };
  return { value: v };
}

/**
 * A scalar's value as typed: empty for its declared default, else a finite number, an i32
 * scalar's an integer in int32 range (as `scoremod bench --scalar` checks), or why not.
 */
export function parseScalarInput(text: string, dtype: "f32" | "i32"): { value: number | undefined } | { error: string } {
  const t = text.trim();
  if (t === "") return { value: undefined };
  const v = Number(t);
  if (!Number.isFinite(v)) return { error: "A scalar is a number (e.g. 0.5, -3, 1e-2); leave it empty for the declared default." };
  if (dtype === "i32" && (!Number.isInteger(v) || v < -2147483648 || v > 2147483647)) return { error: "This is an i32 scalar: an integer from -2147483648 to 2147483647." };
  return { value: v };
}
