// The GPU sample generator (csrc/kernels/sample_fill.cuh), its element functions compiled for the
// CPU, against the TypeScript sampler: the same bytes for every init kind, dtype and layout, and
// for Q/K/V. The GPU suite checks the kernels themselves on the device the same way.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tensor, u16 } from "scoremod";
import { SAMPLE_DECLS as decls, SAMPLE_DIMS as DIMS } from "../../gpu/sampleDecls";
import { createRng, sampleTensor } from "scoremod/sample";
import { randomHalf } from "../../../server/src/runner/data";
import { dtypeBytes } from "scoremod/dtypes";
import { auxSampleSpec, halfSampleSpec, INIT_KIND, SAMPLE_FLAG, packSampleParams, SAMPLE_OFFSETS, SAMPLE_PARAMS_SIZE, type SampleSpec } from "../../../server/src/runner/sampleSpec";

const root = join(__dirname, "..", "..", "..");
const gxx = (() => { try { execFileSync("g++", ["--version"], { stdio: "ignore" }); return "g++"; } catch { return null; } })();

/** Each spec's allocation as the generator fills it. */
function hostFill(specs: SampleSpec[]): { bytes: Buffer[]; offsets: string } {
  const dir = mkdtempSync(join(tmpdir(), "scoremod-sample-"));
  const exe = join(dir, "fill");
  execFileSync(gxx!, ["-std=c++17", "-O1", "-ffp-contract=off", "-I", join(root, "csrc/kernels"), "-o", exe, join(__dirname, "fixtures/sample_fill_host.cc")], { stdio: "pipe" });
  const input = Buffer.concat(specs.flatMap((s) => {
    const n = Buffer.alloc(8);
    n.writeBigUInt64LE(BigInt(s.allocElements * bytesOf(s)));
    return [n, Buffer.from(packSampleParams(s, { out: 0n }))];
  }));
  const r = require("node:child_process").spawnSync(exe, [], { input, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`harness failed: ${r.stderr}`);
  const out: Buffer[] = [];
  let off = 0;
  for (const s of specs) {
    const n = s.allocElements * bytesOf(s);
    out.push(r.stdout.subarray(off, off + n));
    off += n;
  }
  return { bytes: out, offsets: String(r.stderr).trim() };
}

function bytesOf(s: SampleSpec): number {
  return s.dtype === "f64" ? 8 : dtypeBytes(s.dtype);
}

describe("GPU sample generator (sample_fill.cuh) on the CPU", () => {
  it.runIf(gxx)("packs SmSampleParams at the header's offsets", () => {
    const { offsets } = hostFill([]);
    const O = SAMPLE_OFFSETS;
    expect(offsets).toBe(`offsets ${[O.out, O.scratch, O.flagsBuf, O.total, O.shape, O.strides, O.a, O.b, O.seed, O.rank, O.kind, O.dtype, O.width, O.flags].join(" ")} size ${SAMPLE_PARAMS_SIZE}`);
  });

  it.runIf(gxx)("writes the CPU sampler's bytes for every init kind, dtype and layout", () => {
    const specs = decls.map((d, i) => auxSampleSpec(d, DIMS, 1 + i));
    const { bytes } = hostFill(specs);
    decls.forEach((d, i) => {
      const cpu = sampleTensor(d, DIMS, 1 + i).bytes;
      expect(bytes[i]!.length, d.name).toBe(cpu.length);
      expect(Buffer.compare(bytes[i]!, Buffer.from(cpu)), d.name).toBe(0);
    });
    // Not vacuous: the data is not constant, and the edge cases reach their edges.
    bytes.forEach((b, i) => { if (decls[i]!.name !== "oneDoc") expect(new Set(b).size, decls[i]!.name).toBeGreaterThan(1); });
    const big = new Uint16Array(bytes[3]!.buffer, bytes[3]!.byteOffset, bytes[3]!.length / 2);
    expect([...big].some((x) => (x & 0x7fff) === 0x7c00)).toBe(true);  // f16 overflow: inf
    const tiny = new Uint16Array(bytes[4]!.buffer, bytes[4]!.byteOffset, bytes[4]!.length / 2);
    expect([...tiny].some((x) => (x & 0x7f80) === 0 && (x & 0x7f) !== 0)).toBe(true);  // bf16 subnormals
  });

  it.runIf(gxx)("computes the sampler's doubles to the last bit before rounding them (normal and uniform)", () => {
    // Rounding to bf16/f16/f32 hides a last-ulp slip in the double math almost always; this does not.
    const n = 20000, seed = 0x9e3779b9;
    const normal: SampleSpec = { ...halfSampleSpec("z", n, seed, "bf16"), dtype: "f64", flags: SAMPLE_FLAG.rowMajor, a: 0.25, b: 3 };
    const uniform = { ...normal, kind: INIT_KIND.uniform, a: -1.5, b: 2.5 };
    const { bytes } = hostFill([normal, uniform]);
    const rn = createRng(seed), ru = createRng(seed);
    const want = (f: () => number) => Buffer.from(Float64Array.from({ length: n }, f).buffer);
    expect(Buffer.compare(bytes[0]!, want(() => 0.25 + 3 * rn.normal()))).toBe(0);
    expect(Buffer.compare(bytes[1]!, want(() => -1.5 + (2.5 - -1.5) * ru.next()))).toBe(0);
  });

  it.runIf(gxx)("writes randomHalf's Q/K/V bytes (bf16 and f16)", () => {
    const n = 5000;
    const specs = [halfSampleSpec("q", n, 11, "bf16"), halfSampleSpec("k", n, 12, "f16")];
    const { bytes } = hostFill(specs);
    expect(Buffer.compare(bytes[0]!, Buffer.from(randomHalf(n, 11, "bf16", false).bytes))).toBe(0);
    expect(Buffer.compare(bytes[1]!, Buffer.from(randomHalf(n, 12, "f16", false).bytes))).toBe(0);
  });

  it("refuses sample values the dtype cannot store, as the CPU sampler does", () => {
    const t = tensor("ids", u16, ["KV"], { init: { segments: 70000 } });
    expect(() => auxSampleSpec(t, { KV: 100000 }, 1)).toThrow(/sample values up to 69999 cannot be stored as u16/);
    expect(() => sampleTensor(t, { KV: 100000 }, 1)).toThrow(/cannot be stored as u16/);
  });
});
