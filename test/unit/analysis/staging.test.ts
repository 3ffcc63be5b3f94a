// Aux staging on runner-hopper (staging.ts): which loads the producer copies into shared memory,
// in which chunks and where in the stage, and why the others are read from global memory.
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import type { LoadFact } from "../../../server/src/analysis/facts";
import { TARGETS } from "../../../server/src/analysis/targets";

function loadsOf(decls: string, body: string, opts: { target?: "runner-hopper" | "runner-sm90" | "fa4-sm90"; mask?: boolean } = {}): LoadFact[] {
  const text = `import { bf16, f16, f32, i32, u8, min, scoreMod, maskMod, tensor } from "scoremod";\n${decls}\n` +
    (opts.mask
      ? `export const m = maskMod({ vecSize: 2 }, (b, h, q, kv) => ${body});\n`
      : `export const m = scoreMod({ vecSize: 2 }, (score, b, h, q, kv) => ${body});\n`);
  const fa = analyze("t.scoremod.ts", text, { target: opts.target ?? "runner-hopper" });
  expect(fa.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return fa.mods[0]!.loads;
}

describe("aux staging on runner-hopper", () => {
  it("stages a q-invariant contiguous load as one row, in the widest chunk the facts prove", () => {
    const [l] = loadsOf(`export const t = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });`, "score + t.at(b, h, kv)");
    expect(l!.staging).toEqual({ rows: "row", chunkBytes: 16, bytes: 256, offset: 0 });
    // The chunk's own facts become obligations (the stronger of each kind).
    expect(l!.obligations.map((o) => o.text)).toEqual(expect.arrayContaining(["kv_bias.data_ptr() % 16 == 0", "KV % 8 == 0"]));
    expect(l!.obligations.map((o) => o.text)).not.toContain("KV % 2 == 0");
    const [l4] = loadsOf(`export const t = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 4, divisible: { KV: 2 } });`, "score + t.at(b, h, kv)");
    expect(l4!.staging).toEqual({ rows: "row", chunkBytes: 4, bytes: 256, offset: 0 });
  });

  it("stages a q-dependent load as a 128-row tile when the facts prove 16-byte chunks, else says why", () => {
    const [l] = loadsOf(`export const t = tensor("full_bias", bf16, ["B", "H", "Q", "KV"], { align: 16, divisible: { KV: 8 } });`, "score + t.at(b, h, q, kv)");
    expect(l!.staging).toEqual({ rows: "tile", chunkBytes: 16, bytes: 128 * 128 * 2, offset: 0, tileDims: { q: 2, kv: 3 } });
    expect(l!.obligations.map((o) => o.text)).toEqual(expect.arrayContaining(["full_bias.data_ptr() % 16 == 0", "KV % 8 == 0"]));
    // 8-byte chunks are enough for cp.async rows, not for TMA.
    const [l8] = loadsOf(`export const t = tensor("full_bias", bf16, ["B", "H", "Q", "KV"], { align: 8, divisible: { KV: 4 } });`, "score + t.at(b, h, q, kv)");
    expect(l8!.staging).toBeNull();
    expect(l8!.stagingWhy).toMatch(/depends on q .*8-byte chunks.*TMA needs 16-byte aligned rows/);
    // A TMA box is a rectangle: q and kv must each be one index, and no other index may use them.
    const notRect: [string, RegExp][] = [
      ["score + t.at(b, h, min(q, 5), kv)", /q is not itself one of its indices/],
      ["score + t.at(b, h, q, kv + 0)", /stride-1 index is not kv itself/],
      ["score + t.at(b, q % 2, q, kv)", /index 1 depends on q or kv/],
    ];
    for (const [body, why] of notRect) {
      const [x] = loadsOf(`export const t = tensor("full_bias", bf16, ["B", "H", "Q", "KV"], { align: 16, divisible: { KV: 8 } });`, body);
      expect(x!.staging, body).toBeNull();
      expect(x!.stagingWhy, body).toMatch(why);
    }
    // Rank 2, f16.
    const [l2] = loadsOf(`export const t = tensor("qk", f16, ["Q", "KV"], { align: 16, divisible: { KV: 8 } });`, "score + t.at(q, kv)");
    expect(l2!.staging).toMatchObject({ rows: "tile", tileDims: { q: 0, kv: 1 } });
    // Only 2-byte floats are copied by TMA here (a 4-byte tile would not fit the budget anyway).
    const [l4] = loadsOf(`export const t = tensor("full_bias", f32, ["B", "H", "Q", "KV"], { align: 16, divisible: { KV: 4 } });`, "score + t.at(b, h, q, kv)");
    expect(l4!.staging).toBeNull();
    expect(l4!.stagingWhy).toMatch(/only bf16\/f16 tiles/);
    // A mask mod's budget holds rows only.
    const [lm] = loadsOf(`export const t = tensor("m", bf16, ["Q", "KV"], { align: 16, divisible: { KV: 8 } });`, "t.at(q, kv) > 0", { mask: true });
    expect(lm!.staging).toBeNull();
    expect(lm!.stagingWhy).toMatch(/needs 32768 B/);
    // A tile takes the score mod's region: a row staged beside it would not fit.
    const [row, tl] = loadsOf(`export const t = tensor("full_bias", bf16, ["B", "H", "Q", "KV"], { align: 16, divisible: { KV: 8 } });\nexport const r = tensor("r", bf16, ["KV"], { align: 16, divisible: { KV: 8 } });`, "score + r.at(kv) + t.at(b, h, q, kv)");
    expect(tl!.staging).toMatchObject({ rows: "tile", offset: 0 });
    expect(row!.staging).toBeNull();
    expect(row!.stagingWhy).toMatch(/taken by another load's tile/);
  });

  it("lays several staged loads out in body order, 128-byte aligned", () => {
    const ls = loadsOf(
      `export const a = tensor("a", u8, ["KV"], { align: 16, divisible: { KV: 16 } });\nexport const c = tensor("c", f32, ["H", "KV"], { align: 16, divisible: { KV: 8 } });`,
      "score + a.at(kv) + c.at(h, kv)");
    expect(ls.map((l) => [l.staging?.offset, l.staging?.bytes])).toEqual([[0, 128], [128, 512]]);
  });

  it("gives a mask mod its own, smaller budget, and says when a row does not fit", () => {
    const ls = loadsOf(
      `export const d = tensor("doc", i32, ["B", "KV"], { align: 16, divisible: { KV: 4 } });\nexport const e = tensor("e", i32, ["B", "KV"], { align: 16, divisible: { KV: 4 } });`,
      "d.at(b, kv) == e.at(b, kv)", { mask: true });
    expect(ls[0]!.staging).toEqual({ rows: "row", chunkBytes: 16, bytes: 512, offset: 0 });
    expect(ls[1]!.staging).toBeNull();
    expect(ls[1]!.stagingWhy).toMatch(new RegExp(`needs 512 B of shared memory per stage; 128 B of the ${TARGETS["runner-hopper"].auxStaging!.maskBytes} B the kernel keeps per stage for a mask mod`));
  });

  it("explains each load it leaves in global memory", () => {
    const cases: [string, string, RegExp][] = [
      [`export const t = tensor("t", bf16, ["KV"]);`, "score + t.at(kv)", /2-byte chunks.*cp\.async copies at least 4 B/],
      [`export const t = tensor("t", bf16, ["Q", "KV"], { align: 4, divisible: { KV: 2 } });`, "score + t.at(min(q, 5), kv)", /depends on q/],
      [`export const s = tensor("s", i32, ["H"], { values: [0, 4] });\nexport const t = tensor("t", bf16, ["H", "KV"], { align: 16, divisible: { KV: 8 } });`, "score + t.at(s.at(h), kv)", /reads s\.at\(\.\.\.\)/],
    ];
    for (const [decls, body, why] of cases) {
      const ls = loadsOf(decls, body);
      const l = ls.find((x) => x.class === "contiguous")!;
      expect(l.staging, body).toBeNull();
      expect(l.stagingWhy, body).toMatch(why);
    }
    // Uniform and gather loads are not staged and say nothing about it.
    const [u] = loadsOf(`export const s = tensor("s", f32, ["H"]);`, "score + s.at(h)");
    expect(u!.staging).toBeUndefined();
  });

  it("targets without staging carry no staging facts", () => {
    for (const target of ["runner-sm90", "fa4-sm90"] as const) {
      const [l] = loadsOf(`export const t = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });`, "score + t.at(b, h, kv)", { target });
      expect(l!.staging).toBeUndefined();
    }
  });

  it("stages rows as wide as the target's wider tile when the run asks for it (tileN), and refuses other widths", () => {
    const text = `import { bf16, scoreMod, tensor } from "scoremod";\nexport const t = tensor("kv_bias", bf16, ["B", "H", "KV"], { align: 16, divisible: { KV: 8 } });\n` +
      `export const full = tensor("full_bias", bf16, ["B", "H", "Q", "KV"], { align: 16, divisible: { KV: 8 } });\n` +
      `export const m = scoreMod({ vecSize: 2 }, (score, b, h, q, kv) => score + t.at(b, h, kv));\n` +
      `export const f = scoreMod({ vecSize: 2 }, (score, b, h, q, kv) => score + full.at(b, h, q, kv));\n`;
    const wide = analyze("t.scoremod.ts", text, { target: "runner-hopper", tileN: 176 });
    expect(wide.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(wide.tileN).toBe(176);
    expect(wide.mods[0]!.loads[0]!.staging).toEqual({ rows: "row", chunkBytes: 16, bytes: 352, offset: 0 });
    // A 128 x 176 tile (45 KB) does not fit the 8,448 B the wider K/V rings leave per stage.
    expect(wide.mods[1]!.loads[0]!.staging).toBeNull();
    expect(wide.mods[1]!.loads[0]!.stagingWhy).toMatch(/needs 45056 B of shared memory per stage/);
    // The target's own width, or nothing asked: no override recorded.
    expect(analyze("t.scoremod.ts", text, { target: "runner-hopper", tileN: 128 }).tileN).toBeUndefined();
    for (const [target, tileN] of [["runner-hopper", 192], ["runner-sm90", 176]] as const) {
      const bad = analyze("t.scoremod.ts", text, { target, tileN });
      expect(bad.tileN).toBeUndefined();
      expect(bad.diagnostics.find((d) => d.code === "SM131")?.message).toMatch(new RegExp(`tileN ${tileN}: ${target} runs 128`));
    }
  });
});
