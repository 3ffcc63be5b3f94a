// A workspaceState (Memento) stand-in for the per-document stores' tests.
import type { StateLike } from "../../../client/src/auxFiles";

/** Stores a copy, as VS Code's Memento does (so a store cannot mutate what it saved in place). */
export function memento(): StateLike & { raw: Record<string, unknown> } {
  const raw: Record<string, unknown> = {};
  return {
    raw,
    get: <T>(k: string) => (raw[k] === undefined ? undefined : JSON.parse(JSON.stringify(raw[k])) as T),
    update: (k: string, v: unknown) => { raw[k] = JSON.parse(JSON.stringify(v)); return Promise.resolve(); },
  };
}
