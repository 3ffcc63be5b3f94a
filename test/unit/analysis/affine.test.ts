// Linear forms of index expressions in kv.
import { describe, expect, it } from "vitest";
import { formOf, formatSym, kvCoefficient, newFormCtx, symV2, type Env } from "../../../server/src/analysis/affine";
import type { Expr } from "../../../server/src/analysis/ir";
import { add, b, bin, call, cond, dim, h, kv, load, local, mul, num, q, scalar, sub } from "./classifyHelpers";

function show(e: Expr, env: Env = null, divisible: Record<string, number> = {}): string {
  const ctx = newFormCtx(divisible);
  const f = formOf(e, env, ctx);
  return f.ok ? `${formatSym(f.p, ctx)} | a=${String(kvCoefficient(f.p))} | v2(base)=${symV2(new Map([...f.p].filter(([m]) => !m.includes("kv"))), ctx)}` : `FAIL ${f.reason}`;
}

describe("formOf", () => {
  it.each([
    ["kv", kv, "kv | a=1 | v2(base)=Infinity"],
    ["kv + 3", add(kv, num(3)), "kv + 3 | a=1 | v2(base)=0"],
    ["q - kv", sub(q, kv), "q - kv | a=-1 | v2(base)=0"],
    ["(kv + 1) * 2 - 2", sub(mul(add(kv, num(1)), num(2)), num(2)), "2*kv | a=2 | v2(base)=Infinity"],
    ["h*dim(KV) + kv with KV % 8", add(mul(h, dim("KV")), kv), `dim("KV")*h + kv | a=1 | v2(base)=3`],
    ["8*b + scalar", add(mul(num(8), b), scalar("off")), "8*b + off | a=0 | v2(base)=0"],
    ["min(q, 5) + kv (kv-free clamp is opaque)", add(call("min", q, num(5)), kv), "min(q, 5) + kv | a=1 | v2(base)=0"],
    ["h*kv", mul(h, kv), "h*kv | a=null | v2(base)=Infinity"],
  ] as const)("%s", (_n, e, want) => expect(show(e, null, { KV: 8 })).toBe(want));

  it.each([
    ["min(kv, 3)", call("min", kv, num(3)), /clamps kv/],
    ["kv % dim(KV)", bin("%", kv, dim("KV")), /wraps kv around/],
    ["(kv - 1) % 4 (C's % of a negative)", bin("%", sub(kv, num(1)), num(4)), /may be negative/],
    ["t.at(kv)", load(0, "t", kv), /data-dependent/],
    ["kv < q ? kv : kv", cond(bin("<", kv, q), kv, kv), /condition .* depends on kv/],
    ["unbound local", local("zz"), /cannot see the binding of zz/],
  ] as const)("%s fails", (_n, e, re) => expect(show(e)).toMatch(re));

  it("idiv, >>, % and & by constants: one group atom per (g, c)", () => {
    expect(show(call("idiv", kv, num(32)))).toBe("idiv(kv, 32) | a=null | v2(base)=Infinity");
    expect(show(sub(call("idiv", kv, num(32)), bin(">>", kv, num(5))))).toBe("0 | a=0 | v2(base)=Infinity");
    expect(show(bin("%", add(kv, num(8)), num(64)))).toBe("kv - 64*idiv(kv + 8, 64) + 8 | a=null | v2(base)=3");
    expect(show(bin("&", kv, num(31)))).toBe("kv - 32*idiv(kv, 32) | a=null | v2(base)=Infinity");
    expect(show(call("idiv", kv, num(1)))).toBe("kv | a=1 | v2(base)=Infinity");
    // A negative dividend: idiv truncates, so no group; a shift floors, so one.
    expect(show(call("idiv", sub(kv, num(8)), num(4)))).toMatch(/^FAIL .*may be negative/);
    expect(show(bin(">>", sub(kv, num(8)), num(2)))).toBe("idiv(kv - 8, 4) | a=null | v2(base)=Infinity");
  });

  it("a ternary's base keeps what both arms share", () => {
    const e = cond(bin("<", q, num(3)), add(kv, num(8)), add(kv, num(24)));
    expect(show(e)).toMatch(/a=1 \| v2\(base\)=3$/);
  });
  it("locals are read in the scope they were declared in", () => {
    const env: Env = { name: "j", value: add(local("i"), num(8)), parent: { name: "i", value: kv, parent: null } };
    expect(show(local("j"), env)).toBe("kv + 8 | a=1 | v2(base)=3");
  });
  it("deep nesting fails cleanly instead of overflowing the stack", () => {
    let e: Expr = kv;
    for (let i = 0; i < 5000; i++) e = add(e, num(1));
    expect(show(e)).toMatch(/^FAIL .*nests too deeply/);
  });
});
