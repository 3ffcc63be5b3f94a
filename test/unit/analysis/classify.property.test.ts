// Property test: random index expressions (affine and not) are classified, and every claim is
// checked by evaluating the index for real lanes: a contiguous load must have consecutive
// offsets across its V lanes, a width w > 1 must start on a multiple of w, a uniform load must
// not move with kv. Seeded, so a failure reproduces.
import { describe, expect, it } from "vitest";
import type { Expr, MathFn } from "../../../server/src/analysis/ir";
import type { TargetId } from "../../../server/src/analysis/targets";
import { prng } from "../../fuzz/generate";
import { add, b, bin, call, classify, cond, dim, h, konst, kv, load, local, mul, neg, num, q, ret, s, sub, tensorFact } from "./classifyHelpers";

interface Gen { rnd: () => number; pick<T>(xs: readonly T[]): T; int(lo: number, hi: number): number }
function gen(seed: number): Gen {
  const rnd = prng(seed);
  return { rnd, pick: (xs) => xs[Math.floor(rnd() * xs.length)], int: (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)) };
}

/** Random integer expression; biased toward kv + c shapes so contiguous claims are exercised. */
function expr(g: Gen, depth: number): Expr {
  if (depth <= 0 || g.rnd() < 0.25) {
    return g.pick([kv, kv, kv, q, h, b, num(g.int(-4, 20)), num(g.pick([0, 8, 16, 3])), dim("KV"), local("x")]);
  }
  const a = (): Expr => expr(g, depth - 1);
  switch (g.int(0, 11)) {
    case 0: case 1: case 2: return add(a(), a());
    case 3: return sub(a(), a());
    case 4: return mul(a(), a());
    case 5: return mul(num(g.pick([2, 4, 8, -1])), a());
    case 6: return bin("%", a(), g.pick([dim("KV"), num(g.int(1, 9))]));
    case 7: return call(g.pick<MathFn>(["idiv", "min", "max"]), a(), num(g.int(1, 300)));
    case 8: return neg(a());
    case 9: return cond(bin("<", g.pick([q, kv, h]), num(g.int(0, 50))), a(), a());
    case 10: return load(9, "u", bin("%", call("abs", a()), num(64)));
    default: return call("abs", a());
  }
}

// ---------------------------------------------------------------- reference evaluation

interface Point { b: number; h: number; q: number; kv: number; KV: number; H: number; x: number }
function table(i: number): number { return ((i * 2654435761) >>> 0) % 97; }
function evalInt(e: Expr, p: Point): number {
  const r = (x: Expr): number => evalInt(x, p);
  switch (e.k) {
    case "num": return e.value;
    case "bool": return e.value ? 1 : 0;
    case "arg": return e.role === "kv" ? p.kv : e.role === "q" ? p.q : e.role === "h" ? p.h : e.role === "b" ? p.b : 0;
    case "dim": return e.name === "KV" ? p.KV : e.name === "H" ? p.H : 1;
    case "scalar": return 0;
    case "local": return p.x;
    case "load": return table(r(e.idx[0]));
    case "unary": return e.op === "-" ? -r(e.a) : 0;
    case "cond": return r(e.c) !== 0 ? r(e.a) : r(e.b);
    case "call": {
      const [x, y] = e.args.map(r);
      switch (e.fn) {
        case "idiv": return y === 0 ? 0 : Math.trunc(x / y);
        case "min": return Math.min(x, y);
        case "max": return Math.max(x, y);
        case "abs": return Math.abs(x);
        default: return 0;
      }
    }
    case "binary": {
      const x = r(e.a);
      const y = r(e.b);
      switch (e.op) {
        case "+": return x + y;
        case "-": return x - y;
        case "*": return x * y;
        case "%": return y === 0 ? 0 : x % y;
        case "<": return x < y ? 1 : 0;
        default: return 0;
      }
    }
  }
}

const TARGETS_UNDER_TEST: TargetId[] = ["fa4-sm100", "runner-sm80", "fa4-sm90"];

describe("random index expressions: every claim holds on real lanes", () => {
  it("3000 expressions, 1-D and 2-D tensors, several V, targets, alignments and facts", () => {
    let wide = 0;
    let contiguous = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const g = gen(seed);
      const V = g.pick([1, 2, 4, 8, 16]);
      const target = g.pick(TARGETS_UNDER_TEST);
      const align = g.pick([2, 4, 8, 16, 32]);
      const kvFact = g.pick([1, 2, 8, 16, 64]);
      const twoD = g.rnd() < 0.5;
      const x = expr(g, 3);
      const idx = expr(g, 4);
      const t = tensorFact("t", twoD
        ? { shape: ["H", "KV"], align, divisible: { KV: kvFact } }
        : { shape: ["KV"], align, divisible: { KV: kvFact } });
      const u = tensorFact("u", { dtype: "i32", shape: [64] });
      const body = [konst("x", x), ret(add(s, load(0, "t", ...(twoD ? [h, idx] : [idx]))))];
      const r = classify({ tensors: [t, u], body, V, target });
      const l = r.loads.find((y) => y.id === 0);
      expect(l, `seed ${seed}`).toBeDefined();
      if (!l) continue;
      if (l.class !== "contiguous") expect(l.widthElems, `seed ${seed}`).toBe(1);
      if (l.class === "contiguous") contiguous++;
      if (l.widthElems > 1) {
        wide++;
        expect(align % l.widthBytes, `seed ${seed} align`).toBe(0);
        expect(V % l.widthElems, `seed ${seed}`).toBe(0);
      }
      if (l.class === "gather") continue;
      // Sample concrete calls: KV respects the declared fact, kv0 is a multiple of V.
      for (let k = 0; k < 6; k++) {
        const KV = Math.max(kvFact, V) * g.int(1, 40);
        const H = g.int(1, 12);
        const pt = { b: g.int(0, 3), h: g.int(0, H - 1), q: g.int(0, 300), KV, H, x: 0 };
        const kv0 = V * g.int(0, Math.max(0, Math.floor(KV / V) - 1));
        const offsets: number[] = [];
        for (let i = 0; i < V; i++) {
          const at = { ...pt, kv: kv0 + i };
          const xv = evalInt(x, at);
          const p = { ...at, x: xv };
          const inner = evalInt(idx, p);
          offsets.push(twoD ? pt.h * KV + inner : inner);
        }
        const msg = `seed ${seed}: ${l.class} v${l.widthElems} at ${JSON.stringify(pt)} kv0=${kv0}: ${offsets.join(",")}`;
        if (l.class === "uniform") {
          expect(offsets.every((o) => o === offsets[0]), msg).toBe(true);
        } else {
          expect(offsets.every((o, i) => o === offsets[0] + i), msg).toBe(true);
          expect(((offsets[0] % l.widthElems) + l.widthElems) % l.widthElems, msg).toBe(0);
        }
      }
    }
    // The generator must actually exercise the wide path, or the test proves nothing.
    expect(contiguous).toBeGreaterThan(100);
    expect(wide).toBeGreaterThan(50);
  });
});

describe("random guarded loads: a hoisted or widened load is in bounds whatever the guard", () => {
  it("2000 guarded loads: every uniform/contiguous verdict reads inside the tensor for all b, h, q, kv", () => {
    const shapes: (string | number)[][] = [["B", "H", "KV"], ["N"], [4, "KV"], ["H", "N"], ["Q", "KV"]];
    let kept = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const g = gen(seed * 7919);
      const shape = g.pick(shapes);
      const idx = shape.map(() => g.pick<Expr>([b, h, q, kv, num(0), num(3), num(4), add(kv, num(g.int(0, 8))), sub(q, num(1)), dim("N"), expr(g, 2)]));
      const t = tensorFact("t", { shape, align: 16, divisible: { KV: 8, N: 8 } });
      const guard = bin("<", g.pick([q, kv, h]), g.pick([dim("N"), num(g.int(0, 9)), q]));
      const body = [konst("x", num(0)), ret(cond(guard, add(s, load(0, "t", ...idx)), s))];
      const l = classify({ tensors: [t, tensorFact("u", { dtype: "i32", shape: [64] })], body, V: 8 }).loads.find((y) => y.id === 0);
      if (!l || l.class === "gather") continue;
      kept++;
      const ext: Record<string, number> = { B: 2, H: 3, Q: 5, KV: 16, N: 8 };
      for (let bb = 0; bb < ext.B; bb++) for (let hh = 0; hh < ext.H; hh++) for (let qq = 0; qq < ext.Q; qq++) for (let k = 0; k < ext.KV; k++) {
        const p = { b: bb, h: hh, q: qq, kv: k, KV: ext.KV, H: ext.H, x: 0 };
        idx.forEach((e, d) => {
          const v = evalInt(e.k === "dim" && e.name === "N" ? num(ext.N) : e, p);
          const n = typeof shape[d] === "number" ? (shape[d] as number) : ext[shape[d] as string];
          expect(v >= 0 && v < n, `seed ${seed}: index ${d} = ${v} outside ${String(shape[d])}=${n} (${l.class})`).toBe(true);
        });
      }
    }
    expect(kept).toBeGreaterThan(80);
  });
});
