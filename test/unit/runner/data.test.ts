// The runner's aux data for the integer dtypes of issue 10 (i64, u16, i8): the bytes the kernel
// reads are the sampled values at the dtype's width, and the example's `values` promises hold on them.
import { describe, expect, it } from "vitest";
import { decodeBytes } from "../../../runtime/src/dtypes";
import { auxData } from "../../../server/src/runner/data";
import { checkValueRanges } from "../../../server/src/runner/valueRanges";
import { hopBias, hops, node } from "../../../examples/graph_distance.scoremod";
import { bucket, rowI8, rowU16 } from "../../gpu/fixtures/int_dtypes.scoremod";

const dims = { B: 2, H: 4, Q: 256, KV: 256 };

describe("auxData for i64, u16 and i8 tensors", () => {
  it("encodes the sample at 8, 2 and 1 bytes per element, decodable to the sample's values", () => {
    for (const [t, bytes] of [[node, 8], [hops, 8], [bucket, 8], [rowU16, 2], [rowI8, 1]] as const) {
      const a = auxData(t, dims, 5);
      expect(a.bytes.length, t.name).toBe(a.allocElements * bytes);
      expect([...decodeBytes(a.dtype, a.bytes)], t.name).toEqual([...a.sample!.values]);
    }
    expect(auxData(hopBias, dims, 5).dtype).toBe("bf16");
  });

  it("keeps graph_distance's values promises on the real bytes (the runner's pre-launch check)", () => {
    const aux = [auxData(node, dims, 9), auxData(hops, dims, 9)];
    const checks = checkValueRanges(aux, new Map([["node", [0, 64] as const], ["hops", [0, 32] as const]]));
    expect(checks.map((c) => c.ok)).toEqual([true, true]);
  });
});
