// The bench report's text (runner/format.ts): the lines that say how the kernel ran the mod.
import { describe, expect, it } from "vitest";
import { formatBench } from "../../../server/src/runner/format";
import type { BenchResult } from "../../../server/src/runner/types";

const base: BenchResult = {
  mod: "alibi", vec: 2, kernel: "wgmma", tile: { q: 128, kv: 176 }, align: "declared",
  shape: { B: 1, H: 16, Q: 8192, KV: 8192, D: 128, Hkv: 16 }, dtype: "bf16", device: "NVIDIA H100 80GB HBM3",
  compile: { compiler: "nvrtc", registers: 168, spillStores: 0, spillLoads: 0, localBytes: 0, sharedBytes: 0, compileMs: 2500 },
  timing: null, checks: [], ok: true, obligations: [], phases: { stages: {}, totalMs: 0, outsideMs: 0 },
} as unknown as BenchResult;

describe("formatBench", () => {
  it("says whether a run took the mod's positions in float, and up to which size that is exact", () => {
    const used = formatBench({ ...base, floatPositions: { sites: ["kv - q"], limit: 16776704, used: true } });
    expect(used).toContain("\n  positions: kv - q from exact float positions (Q + KV <= 16,776,704)\n");
    const cast = formatBench({ ...base, floatPositions: { sites: ["kv - q"], limit: 16776704, used: false } });
    expect(cast).toContain("\n  positions: kv - q cast from int (Q + KV is past 16,776,704, where float positions stop being exact)\n");
    expect(formatBench(base)).not.toContain("positions:");
  });

  it("says when the Hopper kernel's blocks were persistent, and how many", () => {
    expect(formatBench({ ...base, persistentBlocks: 132 })).toContain(", 128x176 tiles, 132 persistent blocks\n");
    expect(formatBench(base)).toContain(", 128x176 tiles\n");
  });

  it("says how deep the aux ring was, and when Q was held in registers to make room", () => {
    const tile = formatBench({ ...base, auxRing: { stages: 3, stageBytes: 32768, qInRegisters: true } });
    expect(tile).toContain("\n  aux ring: 3 stages of 32,768 B in shared memory (Q held in registers: its shared memory is the last stage), filled by the producer warps ahead of the softmax\n");
    const rows = formatBench({ ...base, auxRing: { stages: 3, stageBytes: 384, qInRegisters: false } });
    expect(rows).toContain("\n  aux ring: 3 stages of 384 B in shared memory, filled by the producer warps ahead of the softmax\n");
    expect(formatBench(base)).not.toContain("aux ring:");
  });

  it("the time line says how long the run warmed up, and the cost line what no mod took", () => {
    const timing = { ms: 0.976, msMin: 0.97, msMax: 0.98, reps: 50, inputSets: 3, tflops: 563, tflopsDense: 563, auxBytes: 0, auxBytesPerSec: 0, warmup: 154, warmupMs: 300 };
    const vsNone = { ms: 0.9275, samples: [], tile: { q: 128, kv: 176 }, ratio: 1.052, ratioLow: 1.051, ratioHigh: 1.053 };
    const t = formatBench({ ...base, timing: { ...timing, vsNone } } as BenchResult);
    expect(t).toContain("\n  time: 0.976 ms median of 50 (min 0.970, max 0.980, 3 input sets, after 154 warm-up rounds (300 ms or more: the card's steady clock))  563.0 TFLOPS  aux 0.0 GB/s\n");
    expect(t).toContain("\n  vs no mod: +5.2% (pairs 25-75%: +5.1% to +5.3%); no mod 0.927 ms (the same kernel), its launches alternated with these\n");
    const plain = formatBench({ ...base, timing: { ...timing, warmup: 10, warmupMs: undefined } } as BenchResult);
    expect(plain).toContain("3 input sets, after 10 warm-up launches)");
    expect(plain).not.toContain("vs no mod");
  });
});
