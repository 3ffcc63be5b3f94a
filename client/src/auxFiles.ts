// The user's aux data per .scoremod.ts file: which declared tensor reads which .npy/.safetensors
// file in the editor's Benchmark and Sweep (the runner's BenchJob.auxFiles). Remembered per
// workspace (ExtensionContext.workspaceState), keyed by the document's URI; no vscode import, so
// it is unit-tested with a plain object standing in for the Memento.

/** The part of vscode.Memento the store uses. */
export interface StateLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/** One workspaceState entry: document URI -> tensor name -> path (or `path.safetensors:key`). */
export const AUX_FILES_KEY = "scoremod.auxFiles";

type Table = Record<string, Record<string, string>>;

export class AuxFileStore {
  constructor(private readonly state: StateLike) {}

  private table(): Table { return this.state.get<Table>(AUX_FILES_KEY) ?? {}; }

  /** The files set for a document (empty when none). */
  get(uri: string): Record<string, string> {
    return { ...(this.table()[uri] ?? {}) };
  }

  set(uri: string, tensor: string, spec: string): Thenable<void> {
    const t = this.table();
    return this.state.update(AUX_FILES_KEY, { ...t, [uri]: { ...(t[uri] ?? {}), [tensor]: spec } });
  }

  /** Forgets one tensor's file, or (no tensor) every file of the document. */
  clear(uri: string, tensor?: string): Thenable<void> {
    const { [uri]: files, ...rest } = this.table();
    if (tensor !== undefined && files) {
      const { [tensor]: _dropped, ...keep } = files;
      if (Object.keys(keep).length) return this.state.update(AUX_FILES_KEY, { ...rest, [uri]: keep });
    }
    return this.state.update(AUX_FILES_KEY, rest);
  }
}

/** The job's `auxFiles`: the document's files, or nothing when it has none (the job then samples every tensor). */
export function jobAuxFiles(files: Record<string, string>): { auxFiles?: Record<string, string> } {
  return Object.keys(files).length ? { auxFiles: files } : {};
}

/**
 * "table ← /data/t.npy, …": which tensors read the user's data. From the result's `auxSources`
 * when the runner reports them, else from the files the job asked for.
 */
export function describeUserAux(auxSources: Record<string, string> | undefined, asked: Record<string, string>): string | undefined {
  const user = Object.entries(auxSources ?? asked).filter(([, src]) => src !== "generated");
  return user.length ? user.map(([t, src]) => `${t} ← ${src}`).join(", ") : undefined;
}
