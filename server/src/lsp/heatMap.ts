// scoremod/heatMap: evaluate a mod over a q × kv window with the runtime's float64 reference
// semantics (runtime/src/reference.ts modGrid) on sample aux data. A score mod sees real-looking
// raw scores: seeded standard-normal values per (q, kv) (the scaled q·k of random unit inputs),
// not a constant, so what it does to them shows. Executes the user's module,
// so server.ts only calls it for trusted workspaces.
import { ts } from "ts-morph";
import { neutralizeDocComments } from "../analysis/limits";
import { loadScoreModule } from "../../../runtime/src/load";
import { modGrid } from "../../../runtime/src/reference";
import { resolveDims, sampleBindings } from "../../../runtime/src/sample";
import type { HeatMapResult } from "../protocol";

const MAX = 256;

/** Deterministic N(0, 1) per (q, kv): a hash to two uniforms, then Box-Muller. */
export function rawScore(q: number, kv: number): number {
  const h = (x: number) => { let t = Math.imul(x ^ (x >>> 16), 0x45d9f3b); t = Math.imul(t ^ (t >>> 16), 0x45d9f3b); return ((t ^ (t >>> 16)) >>> 0) / 4294967296; };
  const u1 = h(q * 0x9e3779b1 + kv + 1) || 1e-12, u2 = h(kv * 0x85ebca6b + q + 7);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function heatMap(fileName: string, text: string, mod: string, size: number): HeatMapResult {
  const n = Math.max(1, Math.min(MAX, Math.floor(size) || 64));
  // TypeScript's JSDoc parser can loop forever on half-typed doc comments (see limits.ts).
  const js = ts.transpileModule(neutralizeDocComments(text), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
    fileName,
  }).outputText;
  let loaded;
  try {
    loaded = loadScoreModule(js, fileName);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  const found = loaded.dslExports.find((x) => x.exportName === mod);
  if (!found || (found.kind !== "score" && found.kind !== "mask")) {
    return { ok: false, error: `"${mod}" is not an exported scoreMod or maskMod of ${fileName}` };
  }
  try {
    // Q and KV as asked, rounded up to the file's divisibility facts; other dims from the facts.
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    const mult = (name: string): number =>
      loaded.tensors.reduce((m, t) => { const d = t.options.divisible?.[name] ?? 1; return (m / gcd(m, d)) * d; }, 1);
    const Q = Math.ceil(n / mult("Q")) * mult("Q"), KV = Math.ceil(n / mult("KV")) * mult("KV");
    const dims = resolveDims(loaded.tensors, { B: 1, H: 1, Q, KV }, 16);
    const scalars = Object.fromEntries(loaded.scalars.map((s) => [s.name, s.defaultValue]));
    const bindings = sampleBindings(loaded.tensors, dims, 0, scalars);
    const grid = modGrid({
      b: 0, h: 0, Q, KV, bindings, score: rawScore,
      scoreMod: found.kind === "score" ? found.value : undefined,
      maskMod: found.kind === "mask" ? found.value : undefined,
    });
    const rows = Math.min(n, Q), cols = Math.min(n, KV);
    const values: (number | boolean | null)[] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = grid[i * KV + j];
        values.push(found.kind === "mask" ? v !== -Infinity : Number.isFinite(v) ? v : null);
      }
    }
    return { ok: true, mod, kind: found.kind, q0: 0, kv0: 0, rows, cols, values };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
