// Sample data for the integer dtypes of issue 10 (i64, u16, i8): the bytes the kernel reads are
// the sampled values at the dtype's width, and the example's `values` promises hold on them. The
// GPU generator writes the same bytes (sampleFill.test.ts; on the device, the GPU suite).
import { describe, expect, it } from "vitest";
import { decodeBytes } from "../../../runtime/src/dtypes";
import { sampleTensor } from "../../../runtime/src/sample";
import { rangeVerdict } from "../../../server/src/runner/valueRanges";
import { hopBias, hops, node } from "../../../examples/graph_distance.scoremod";
import { bucket, rowI8, rowU16 } from "../../gpu/fixtures/int_dtypes.scoremod";

const dims = { B: 2, H: 4, Q: 256, KV: 256 };

describe("sample data for i64, u16 and i8 tensors", () => {
  it("encodes the sample at 8, 2 and 1 bytes per element, decodable to the sample's values", () => {
    for (const [t, bytes] of [[node, 8], [hops, 8], [bucket, 8], [rowU16, 2], [rowI8, 1]] as const) {
      const a = sampleTensor(t, dims, 5);
      expect(a.bytes.length, t.name).toBe(a.allocElements * bytes);
      expect([...decodeBytes(a.dtype, a.bytes)], t.name).toEqual([...a.values]);
    }
    expect(sampleTensor(hopBias, dims, 5).dtype).toBe("bf16");
  });

  it("keeps graph_distance's values promises on the sampled values", () => {
    for (const [t, range] of [[node, [0, 64]], [hops, [0, 32]]] as const) {
      const v = [...sampleTensor(t, dims, 9).values];
      const lo = Math.min(...v), hi = Math.max(...v);
      const bad = v.findIndex((x) => x < range[0] || x >= range[1]);
      const verdict = rangeVerdict(t.name, t.dtype.name, range, { lo: BigInt(lo), hi: BigInt(hi), firstBad: bad < 0 ? null : bad, badValue: 0n });
      expect(verdict.ok, t.name).toBe(true);
    }
  });
});
