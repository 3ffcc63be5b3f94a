// Static block sparsity (server/src/analysis/tiles.ts) against brute force: every mask of the
// examples and test/fixtures/masks is evaluated on every element of every tile with the DSL's
// own float64 runtime, over random shapes, tile sizes and scalar values. Index-only masks must be
// classified exactly; random masks (a seeded property test) must never be called empty or full
// when some element says otherwise.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { withBindings } from "../../../runtime/src/dsl";
import { loadScoreModule } from "../../../runtime/src/load";
import { analyze } from "../../../server/src/analysis/index";
import type { FileAnalysis } from "../../../server/src/analysis/facts";
import { classifyTiles, tileClass, TILE_EMPTY, TILE_FULL, TILE_PARTIAL, type Shape4, type TileGrid } from "../../../server/src/analysis/tiles";
import { prng } from "../../fuzz/generate";

const ROOT = join(__dirname, "../../..");
const cjs = (src: string) => ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;

interface Case { file: string; text: string; fa: FileAnalysis; exports: Record<string, unknown> }
function load(file: string, text = readFileSync(file, "utf8")): Case {
  const fa = analyze(file, text, { target: "runner-hopper" });
  return { file, text, fa, exports: loadScoreModule(cjs(text), file).exports };
}

type Fn = (...a: number[]) => number | boolean;
/** Brute-force class of one tile: evaluate every element (scores: -inf for every probe score?). */
function bruteClass(c: Case, name: string, shape: Shape4, scalars: Record<string, number>, b: number, h: number, q0: number, q1: number, k0: number, k1: number): number {
  const mod = c.exports[name] as { kind: string; fn: Fn };
  let any = false, all = true;
  withBindings({ dims: { ...shape }, scalars }, () => {
    for (let q = q0; q < q1; q++) {
      for (let kv = k0; kv < k1; kv++) {
        const keep = mod.kind === "mask"
          ? mod.fn(b, h, q, kv) === true
          : [0, 1.5, -3].some((s) => (mod.fn(s, b, h, q, kv) as number) !== -Infinity);
        any ||= keep;
        all &&= keep;
      }
    }
  });
  return !any ? TILE_EMPTY : all ? TILE_FULL : TILE_PARTIAL;
}

function check(c: Case, name: string, shape: Shape4, tile: { q: number; kv: number }, scalars: Record<string, number>, exact: boolean): TileGrid {
  const mod = c.fa.mods.find((m) => m.name === name)!;
  expect(mod.ok, `${c.file}: ${name} analyses`).toBe(true);
  const grid = classifyTiles(mod.kind === "mask" ? { mask: mod } : { score: mod }, shape, tile, { dims: {}, scalars });
  const tileByTile = classifyTiles(mod.kind === "mask" ? { mask: mod } : { score: mod }, shape, tile, { dims: {}, scalars }, { blocks: false });
  expect(tileByTile.classes).toEqual(grid.classes);
  for (let b = 0; b < shape.B; b++) {
    for (let h = 0; h < shape.H; h++) {
      for (let qt = 0; qt < grid.nQ; qt++) {
        for (let kt = 0; kt < grid.nKv; kt++) {
          const got = tileClass(grid, b, h, qt, kt);
          const want = bruteClass(c, name, shape, scalars, b, h, qt * tile.q, Math.min((qt + 1) * tile.q, shape.Q), kt * tile.kv, Math.min((kt + 1) * tile.kv, shape.KV));
          const where = `${c.file} ${name} shape ${JSON.stringify(shape)} tile ${tile.q}x${tile.kv} scalars ${JSON.stringify(scalars)} at b=${b} h=${h} tile (${qt}, ${kt})`;
          if (exact) expect(got, where).toBe(want);
          else if (got !== TILE_PARTIAL) expect(got, where).toBe(want);
        }
      }
    }
  }
  return grid;
}

const maskFiles = [
  ...["causal", "sliding_window"].map((n) => join(ROOT, "examples", `${n}.scoremod.ts`)),
  ...readdirSync(join(ROOT, "test/fixtures/masks")).map((f) => join(ROOT, "test/fixtures/masks", f)),
];

describe("static tile classification equals brute force", () => {
  for (const file of maskFiles) {
    it(file.slice(ROOT.length + 1), () => {
      const c = load(file);
      const rnd = prng(file.length * 7919);
      const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
      for (const m of c.fa.mods) {
        for (let trial = 0; trial < 4; trial++) {
          const shape = { B: 1, H: int(1, 3), Q: int(1, 420), KV: int(1, 420) };
          const tile = { q: [16, 32, 64][int(0, 2)]!, kv: [16, 32, 64][int(0, 2)]! };
          const scalars = Object.fromEntries(c.fa.scalars.map((s) => [s.name, int(1, 300)]));
          check(c, m.name, shape, tile, scalars, true);
        }
      }
    });
  }

  it("score mods whose q, kv reach only load indices: one class per grid, the same as tile by tile", () => {
    const text = [
      `import { bf16, clamp, scoreMod, tensor } from "scoremod";`,
      `const bias = tensor("bias", bf16, ["B", "H", "KV"]);`,
      `const table = tensor("table", bf16, ["H", 64]);`,
      `export const kvBias = scoreMod((s, b, h, q, kv) => s + bias.at(b, h, kv));`,
      `export const relative = scoreMod((s, b, h, q, kv) => { const d = q - kv; return s + table.at(h, clamp(d + 32, 0, 63)); });`,
      `export const causalBias = scoreMod((s, b, h, q, kv) => q >= kv ? s + bias.at(b, h, kv) : -Infinity);`,
    ].join("\n");
    const c = load("/virtual/score_tiles.scoremod.ts", text);
    const shape = { B: 2, H: 3, Q: 300, KV: 260 }, tile = { q: 64, kv: 32 };
    for (const m of c.fa.mods) {
      expect(m.ok, m.name).toBe(true);
      const grid = classifyTiles({ score: m }, shape, tile, { dims: {}, scalars: {} });
      expect(classifyTiles({ score: m }, shape, tile, { dims: {}, scalars: {} }, { blocks: false }).classes, m.name).toEqual(grid.classes);
      if (m.name === "causalBias") expect(grid.empty, "above the diagonal stays empty").toBeGreaterThan(0);
      else expect(grid.partial, `${m.name}: any data, so partial everywhere`).toBe(grid.tiles);
    }
    // The standard bench shape (its cost is in BENCHMARKS.md, not asserted here).
    const kvBias = c.fa.mods.find((m) => m.name === "kvBias")!;
    const big = classifyTiles({ score: kvBias }, { B: 1, H: 16, Q: 8192, KV: 8192 }, { q: 128, kv: 128 }, { dims: {}, scalars: {} });
    expect(big.partial).toBe(16 * 64 * 64);
  });

  it("counts are over the whole problem and sparsity is empty / tiles", () => {
    const c = load(join(ROOT, "examples/causal.scoremod.ts"));
    const g = classifyTiles({ mask: c.fa.mods[0]! }, { B: 2, H: 16, Q: 8192, KV: 8192 }, { q: 128, kv: 128 }, { dims: {}, scalars: {} });
    expect(g.gridsB * g.gridsH).toBe(1);  // causal depends on neither b nor h
    expect(g.tiles).toBe(2 * 16 * 64 * 64);
    expect(g.partial).toBe(2 * 16 * 64);           // the diagonal
    expect(g.full).toBe(2 * 16 * (64 * 63) / 2);   // below it
    expect(g.empty).toBe(2 * 16 * (64 * 63) / 2);  // above it
    expect(g.proof).toBe("static");
  });

  it("a mask that reads aux data gets what holds for any data, marked proof 'data'", () => {
    const c = load(join(ROOT, "examples/prefix_lm.scoremod.ts"));
    const g = classifyTiles({ mask: c.fa.mods[0]! }, { B: 1, H: 1, Q: 1024, KV: 1024 }, { q: 128, kv: 128 }, { dims: {}, scalars: {} });
    expect(g.proof).toBe("data");
    expect(g.full).toBe(8 * 7 / 2);  // q >= kv decides these whatever prefix_len holds
    expect(g.empty).toBe(0);
  });
});

// ---------------------------------------------------------------- random masks (soundness)

function randomMask(seed: number): string {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const intExpr = (d: number): string => {
    if (d <= 0 || rnd() < 0.3) return pick(["q", "kv", "q", "kv", "h", "b", String(int(-40, 300)), "w.value"]);
    const a = () => intExpr(d - 1);
    switch (int(0, 9)) {
      case 0: case 1: return `(${a()} + ${a()})`;
      case 2: case 3: return `(${a()} - ${a()})`;
      case 4: return `(${int(-3, 5)} * ${a()})`;
      case 5: return `idiv(${a()}, ${pick([1, 2, 3, 7, 64, 100, -5])})`;
      case 6: return `(${a()} % ${pick([2, 3, 50, 128])})`;
      case 7: return rnd() < 0.25 ? `clamp(${a()}, ${a()}, ${a()})` : `${pick(["min", "max"])}(${a()}, ${a()})`;
      case 8: return `abs(${a()})`;
      default: return `(${a()} >> ${int(0, 4)})`;
    }
  };
  const boolExpr = (d: number): string => {
    if (rnd() < 0.1) return `pow(${intExpr(1)}, ${pick([2, 3, -1, 0])}) ${pick(["<", ">="])} ${int(-50, 2000)}`;
    if (d <= 0 || rnd() < 0.4) return `${intExpr(2)} ${pick(["<", "<=", ">", ">=", "===", "!=="])} ${intExpr(2)}`;
    const a = () => boolExpr(d - 1);
    switch (int(0, 3)) {
      case 0: return `(${a()} && ${a()})`;
      case 1: return `(${a()} || ${a()})`;
      case 2: return `!(${a()})`;
      default: return `(${a()} ? ${a()} : ${a()})`;
    }
  };
  return `import { abs, clamp, i32, idiv, max, maskMod, min, pow, scalar } from "scoremod";
export const w = scalar("w", i32, 100);
export const m = maskMod((b, h, q, kv) => ${boolExpr(3)});
`;
}

describe("random masks: never a wrong empty or full (property, seeded)", () => {
  it("300 random masks over random shapes", () => {
    const rnd = prng(20261127);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    let decided = 0, checked = 0;
    for (let i = 0; i < 300; i++) {
      const text = randomMask(1000 + i);
      const c = load(`random-${i}.scoremod.ts`, text);
      const m = c.fa.mods[0];
      if (!m?.ok) continue;  // e.g. a type error the grammar can produce
      const g = check(c, "m", { B: int(1, 2), H: int(1, 2), Q: int(1, 160), KV: int(1, 160) }, { q: [8, 16, 32][int(0, 2)]!, kv: [8, 16, 32][int(0, 2)]! }, { w: int(0, 200) }, false);
      decided += g.empty + g.full;
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
    expect(decided).toBeGreaterThan(1000);  // the property has teeth: many tiles were decided
  });
});
