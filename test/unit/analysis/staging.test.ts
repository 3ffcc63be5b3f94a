// Aux staging on runner-hopper (staging.ts): which loads the producer copies into shared memory,
// how (rows, chunk), and why the others are read from global memory.
import { describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import type { LoadFact } from "../../../server/src/analysis/facts";
import { TARGETS } from "../../../server/src/analysis/targets";

function loadsOf(decls: string, body: string, opts: { target?: "runner-hopper" | "runner-sm90" | "fa4-sm90"; mask?: boolean } = {}): LoadFact[] {
  const text = `import { bf16, f32, i32, u8, min, scoreMod, maskMod, tensor } from "scoremod";\n${decls}\n` +
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
    expect(l!.staging).toEqual({ rows: "one", chunkBytes: 16, bytes: 256, offset: 0 });
    // The chunk's own facts become obligations (the stronger of each kind).
    expect(l!.obligations.map((o) => o.text)).toEqual(expect.arrayContaining(["kv_bias.data_ptr() % 16 == 0", "KV % 8 == 0"]));
    expect(l!.obligations.map((o) => o.text)).not.toContain("KV % 2 == 0");
  });

  it("stages a q-dependent load as a tile; 4-byte alignment gives 4-byte chunks", () => {
    const [l] = loadsOf(`export const t = tensor("full_bias", bf16, ["B", "H", "Q", "KV"], { align: 4, divisible: { KV: 2 } });`, "score + t.at(b, h, q, kv)");
    expect(l!.staging).toEqual({ rows: "tile", chunkBytes: 4, bytes: 32768, offset: 0 });
  });

  it("lays several staged loads out in body order, 128-byte aligned", () => {
    const ls = loadsOf(
      `export const a = tensor("a", bf16, ["KV"], { align: 16, divisible: { KV: 8 } });\nexport const c = tensor("c", f32, ["H", "KV"], { align: 16, divisible: { KV: 8 } });`,
      "score + a.at(kv) + c.at(h, kv)");
    expect(ls.map((l) => [l.staging?.offset, l.staging?.bytes])).toEqual([[0, 256], [256, 512]]);
  });

  it("does not stage what the budget cannot hold: an f32 tile is 64 KB per stage", () => {
    const [l] = loadsOf(`export const t = tensor("fb", f32, ["B", "H", "Q", "KV"], { align: 16, divisible: { KV: 4 } });`, "score + t.at(b, h, q, kv)");
    expect(l!.staging).toBeNull();
    expect(l!.stagingWhy).toMatch(/65536 B of shared memory per stage; 33024 B/);
  });

  it("gives a mask mod its own, smaller budget", () => {
    const [l] = loadsOf(`export const d = tensor("doc", i32, ["B", "KV"], { align: 16, divisible: { KV: 4 } });`, "d.at(b, kv) == 0", { mask: true });
    expect(l!.staging).toEqual({ rows: "one", chunkBytes: 16, bytes: 512, offset: 0 });
    const [t] = loadsOf(`export const d = tensor("doc", u8, ["B", "Q", "KV"], { align: 16, divisible: { KV: 16 } });`, "d.at(b, q, kv) == 0", { mask: true });
    expect(t!.staging).toBeNull();
    expect(t!.stagingWhy).toMatch(new RegExp(`${TARGETS["runner-hopper"].auxStaging!.maskBytes} B the kernel keeps per stage for a mask mod`));
  });

  it("explains each load it leaves in global memory", () => {
    const cases: [string, string, RegExp][] = [
      [`export const t = tensor("t", bf16, ["KV"]);`, "score + t.at(kv)", /2-byte chunks.*cp\.async copies at least 4 B/],
      [`export const t = tensor("t", bf16, ["Q", "KV"], { align: 16, divisible: { KV: 8 } });`, "score + t.at(min(q, 5), kv)", /not affine in q/],
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
});
