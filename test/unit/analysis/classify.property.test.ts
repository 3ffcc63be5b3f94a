// Property test: random index expressions (affine and not) are classified, and every claim is
// checked by evaluating the index for real lanes: a contiguous load must have consecutive
// offsets across its V lanes, a grouped load (runs of g lanes) must read offsets[0] + floor(i / g),
// a width w > 1 must start on a multiple of w, a uniform load must not move with kv. Seeded, so a
// failure reproduces; a test below shows the checker rejects wrong claims.
import { describe, expect, it } from "vitest";
import type { LoadFact } from "../../../server/src/analysis/facts";
import type { Expr, MathFn } from "../../../server/src/analysis/ir";
import type { TargetId } from "../../../server/src/analysis/targets";
import { prng } from "../../fuzz/generate";
import { add, b, bin, call, classify, cond, dim, h, konst, kv, load, local, mul, neg, num, q, ret, s, sub, tensorFact } from "./classifyHelpers";

interface Gen { rnd: () => number; pick<T>(xs: readonly T[]): T; int(lo: number, hi: number): number }
function gen(seed: number): Gen {
  const rnd = prng(seed);
  return { rnd, pick: (xs) => xs[Math.floor(rnd() * xs.length)], int: (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1)) };
}

/** kv + c for the group shapes: aligned and not, negative, symbolic. */
function numerator(g: Gen): Expr {
  return g.pick([kv, kv, add(kv, num(g.pick([4, 8, 16, 32, 64, 3, -8, -1]))), add(kv, mul(num(g.pick([8, 32, 3])), q)), add(kv, q), add(kv, dim("KV")), sub(kv, h)]);
}

/** idiv, >>, % and & of kv + c by constants: grouped, periodic, or neither. */
function groupExpr(g: Gen): Expr {
  const n = numerator(g);
  switch (g.int(0, 3)) {
    case 0: return call("idiv", n, num(g.pick([2, 4, 8, 16, 32, 64, 3, 12, 1])));
    case 1: return bin(">>", n, num(g.pick([0, 1, 2, 3, 5, 6])));
    case 2: return bin("%", n, num(g.pick([4, 8, 16, 32, 64, 12, 1])));
    default: return bin("&", n, num(g.pick([3, 7, 15, 31, 63, 6])));
  }
}

/** Random integer expression; biased toward kv + c shapes so contiguous claims are exercised. */
function expr(g: Gen, depth: number): Expr {
  if (depth <= 0 || g.rnd() < 0.25) {
    return g.pick([kv, kv, kv, q, h, b, num(g.int(-4, 20)), num(g.pick([0, 8, 16, 3])), dim("KV"), local("x")]);
  }
  const a = (): Expr => expr(g, depth - 1);
  switch (g.int(0, 14)) {
    case 12: return groupExpr(g);
    case 13: return add(groupExpr(g), g.pick([num(g.pick([0, 4, 8, 5])), mul(num(8), h), a()]));
    case 14: return mul(num(g.pick([1, 2, -1])), groupExpr(g));
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
        case ">>": return x >> y;
        case "&": return x & y;
        case "<": return x < y ? 1 : 0;
        default: return 0;
      }
    }
  }
}

const TARGETS_UNDER_TEST: TargetId[] = ["fa4-sm100", "runner-sm80", "fa4-sm90"];

/** The claim a verdict makes about one call's lane offsets (its V lanes), or null for a gather (none). */
type Claim = Pick<LoadFact, "class" | "widthElems" | "group">;

/** Why the offsets of one call's lanes break the claim, or null when they keep it. */
function claimBroken(l: Claim, offsets: number[]): string | null {
  const w = l.widthElems;
  const aligned = ((offsets[0]! % w) + w) % w === 0;
  switch (l.class) {
    case "gather": return null;
    case "uniform": return offsets.every((o) => o === offsets[0]) ? null : "uniform, but lanes differ";
    case "contiguous":
      if (!offsets.every((o, i) => o === offsets[0]! + i)) return "contiguous, but lanes are not consecutive";
      return aligned ? null : `contiguous, but lane 0 is not a multiple of ${w}`;
    case "grouped": {
      const g = l.group ?? 0;
      if (!(g >= 2)) return "grouped without a run length";
      if (!offsets.every((o, i) => o === offsets[0]! + Math.floor(i / g))) return `grouped by ${g}, but lanes do not read offsets[0] + floor(i / ${g})`;
      return aligned ? null : `grouped, but the first element is not a multiple of ${w}`;
    }
  }
}

describe("random index expressions: every claim holds on real lanes", () => {
  it("3000 expressions, 1-D and 2-D tensors, several V, targets, alignments and facts", () => {
    let wide = 0;
    let contiguous = 0;
    let grouped = 0, groupedWide = 0, groupedBroadcast = 0, periodic = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const g = gen(seed);
      const V = g.pick([1, 2, 4, 8, 16, 32, 64]);
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
      if (l.class !== "contiguous" && l.class !== "grouped") expect(l.widthElems, `seed ${seed}`).toBe(1);
      if (l.class === "contiguous") contiguous++;
      if (l.class === "contiguous" && l.proof.some((p) => p.includes("consecutive within the call"))) periodic++;
      if (l.class === "grouped") {
        grouped++;
        if (l.widthElems > 1) groupedWide++;
        if (l.loadsPerVec === 1 && l.widthElems === 1) groupedBroadcast++;
        // V / g elements (or one, when a call lies in one run) in loads of widthElems.
        expect(l.loadsPerVec * l.widthElems, `seed ${seed}`).toBe(Math.max(1, V / l.group!));
      }
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
        // The first calls too: where kv + c may still be negative (C's truncation differs from floor there).
        const kv0 = V * (k < 2 ? Math.min(k, Math.floor(KV / V) - 1) : g.int(0, Math.max(0, Math.floor(KV / V) - 1)));
        const offsets: number[] = [];
        for (let i = 0; i < V; i++) {
          const at = { ...pt, kv: kv0 + i };
          const xv = evalInt(x, at);
          const p = { ...at, x: xv };
          const inner = evalInt(idx, p);
          offsets.push(twoD ? pt.h * KV + inner : inner);
        }
        const msg = `seed ${seed}: ${l.class}${l.group ? ` by ${l.group}` : ""} v${l.widthElems} V=${V} at ${JSON.stringify(pt)} kv0=${kv0}: ${offsets.join(",")}`;
        expect(claimBroken(l, offsets), msg).toBeNull();
      }
    }
    // The generator must actually exercise the wide path and every grouped shape, or the test proves nothing.
    expect(contiguous).toBeGreaterThan(100);
    expect(wide).toBeGreaterThan(50);
    expect({ grouped: grouped > 60, groupedWide: groupedWide > 10, groupedBroadcast: groupedBroadcast > 20, periodic: periodic > 10 }, JSON.stringify({ grouped, groupedWide, groupedBroadcast, periodic }))
      .toEqual({ grouped: true, groupedWide: true, groupedBroadcast: true, periodic: true });
  });

  it("the checker rejects wrong claims (it can fail)", () => {
    // idiv(kv, 4) over the 16 lanes of the call at kv0 = 32: 8,8,8,8,9,9,9,9,...
    const lanes = Array.from({ length: 16 }, (_, i) => Math.floor((32 + i) / 4));
    expect(claimBroken({ class: "grouped", group: 4, widthElems: 4 }, lanes)).toBeNull();
    expect(claimBroken({ class: "grouped", group: 2, widthElems: 4 }, lanes)).toMatch(/grouped by 2/);
    expect(claimBroken({ class: "grouped", group: 8, widthElems: 1 }, lanes)).toMatch(/grouped by 8/);
    expect(claimBroken({ class: "contiguous", widthElems: 1 }, lanes)).toMatch(/not consecutive/);
    expect(claimBroken({ class: "uniform", widthElems: 1 }, lanes)).toMatch(/lanes differ/);
    // Misaligned runs: idiv(kv + 2, 4) at kv0 = 32 (9,9,10,10,10,10,...): no run length fits.
    const skew = Array.from({ length: 16 }, (_, i) => Math.floor((34 + i) / 4));
    expect(claimBroken({ class: "grouped", group: 4, widthElems: 1 }, skew)).toMatch(/grouped by 4/);
    // A width the first element does not start on: elements 9..12 claimed as one v4.
    const off = Array.from({ length: 16 }, (_, i) => 9 + Math.floor(i / 4));
    expect(claimBroken({ class: "grouped", group: 4, widthElems: 4 }, off)).toMatch(/not a multiple of 4/);
    // C truncation around 0: idiv(kv - 8, 4) over kv = 0..15 is -2,-1,-1,-1,-1,0,0,0,0,0,0,0,1,...
    const trunc = Array.from({ length: 16 }, (_, i) => Math.trunc((i - 8) / 4));
    expect(claimBroken({ class: "grouped", group: 4, widthElems: 1 }, trunc)).toMatch(/grouped by 4/);
  });
});

describe("random guarded loads: a hoisted or widened load is in bounds whatever the guard", () => {
  it("3000 guarded loads: every uniform/grouped/contiguous verdict reads inside the tensor for all b, h, q, kv", () => {
    const shapes: (string | number)[][] = [["B", "H", "KV"], ["N"], [4, "KV"], ["H", "N"], ["Q", "KV"]];
    let kept = 0, viaBounds = 0;
    // Indices only the bounds at every size prove in range (not the quick check: an arg into its own dim, or a constant).
    const bounded = (): Expr[] => [call("min", q, num(3)), bin("%", h, num(4)), call("max", sub(q, num(2)), num(0)), call("idiv", kv, num(4)), bin(">>", kv, num(1))];
    for (let seed = 1; seed <= 3000; seed++) {
      const g = gen(seed * 7919);
      const shape = g.pick(shapes);
      const idx = shape.map(() => g.pick<Expr>([b, h, q, kv, num(0), num(3), num(4), add(kv, num(g.int(0, 8))), sub(q, num(1)), dim("N"), expr(g, 2), ...bounded()]));
      const t = tensorFact("t", { shape, align: 16, divisible: { KV: 8, N: 8 } });
      const guard = bin("<", g.pick([q, kv, h]), g.pick([dim("N"), num(g.int(0, 9)), q]));
      const body = [konst("x", num(0)), ret(cond(guard, add(s, load(0, "t", ...idx)), s))];
      const l = classify({ tensors: [t, tensorFact("u", { dtype: "i32", shape: [64] })], body, V: 8 }).loads.find((y) => y.id === 0);
      if (!l || l.class === "gather") continue;
      kept++;
      if (idx.some((e) => e.k === "call" || (e.k === "binary" && (e.op === "%" || e.op === ">>")))) viaBounds++;
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
    expect(viaBounds).toBeGreaterThan(20);
  });
});
