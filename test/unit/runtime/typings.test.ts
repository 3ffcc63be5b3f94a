// The implementation must conform to the public typings the language server checks users against.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type * as Api from "../../../runtime/index";
import * as Impl from "../../../runtime/src/dsl";

// Compile-time conformance (checked by `tsc -b`): every value the typings declare exists
// in dsl.ts with an assignable type, overloads included.
type ApiValues = typeof Api;
const conforms: ApiValues = Impl;

// The types dsl.ts re-exports are the contract's own.
const t: Api.Tensor<Api.DType<"bf16">, readonly ["B", "KV"]> = Impl.tensor("typings_t", Impl.bf16, ["B", "KV"]);
const m: Impl.ScoreMod = Impl.scoreMod((s) => s) satisfies Api.ScoreMod;

function typeOnlyChecks(): void {
  // @ts-expect-error: wrong number of indices is a type error
  t.at(0);
  // @ts-expect-error: bool tensors return boolean, not number
  const n: number = Impl.tensor("typings_b", Impl.bool, [4]).at(0);
  // @ts-expect-error: a scalar is f32 or i32
  Impl.scalar("s", Impl.bf16, 1);
  void n;
}

describe("typings conformance", () => {
  it("exports every value runtime/index.d.ts declares, as the right kind", () => {
    const dts = readFileSync(fileURLToPath(new URL("../../../runtime/index.d.ts", import.meta.url)), "utf8");
    const declared = [...dts.matchAll(/^export declare (const|function) (\w+)/gm)].map((x) => [x[2]!, x[1]!] as const);
    expect(declared.length).toBeGreaterThan(20);
    for (const [name, kind] of declared) {
      const v = (Impl as Record<string, unknown>)[name];
      expect(v, name).toBeDefined();
      expect(typeof v, name).toBe(kind === "function" ? "function" : "object");
    }
    expect(conforms.tensor).toBe(Impl.tensor);
    expect(m.kind).toBe("score");
    expect(typeof typeOnlyChecks).toBe("function");
  });

  it("gives dtypes the sizes and kinds the typings document", () => {
    const dts: Api.DType[] = [Impl.bf16, Impl.f16, Impl.f32, Impl.i32, Impl.u8, Impl.u32, Impl.bool];
    expect(dts.map((d) => [d.name, d.bytes, d.kind])).toEqual([
      ["bf16", 2, "float"], ["f16", 2, "float"], ["f32", 4, "float"], ["i32", 4, "int"], ["u8", 1, "int"], ["u32", 4, "int"], ["bool", 1, "bool"],
    ]);
  });
});
