// The bundles start through scripts/boot/boot.cjs, which makes V8's code cache of the bundle once
// the process has done its first real work: each long-lived entry point says when that is. A no-op
// when nothing waits for it (a cache already used, no loader: tests on the sources).
export function saveCodeCache(): void {
  const save = (globalThis as Record<symbol, unknown>)[Symbol.for("scoremod.saveCodeCache")];
  if (typeof save === "function") save();
}
