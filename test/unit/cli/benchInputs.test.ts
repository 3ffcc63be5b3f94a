// `scoremod bench --aux T=PATH --dim N=V --scalar N=V`: one grammar with `check` (repeatable or
// comma-separated), and each mistake refused on the host, before a job reaches the runner.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { analyze } from "../../../server/src/analysis/index";
import { UsageError, parseArgs, parseAssignments } from "../../../server/src/cli/args";
import { run } from "../../../server/src/cli/bench";
import { checkRunInputs, parseAuxFlags } from "../../../server/src/cli/runInputs";
import { fileDimUses, ownDimUses } from "../../../server/src/runner/ownDims";
import * as native from "../../../csrc/index";

const dir = mkdtempSync(join(tmpdir(), "scoremod-benchinputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A .npy v1.0 file of `descr` and `shape` (data zeros). */
function npy(name: string, descr: string, shape: number[], elemBytes: number): string {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  while ((10 + dict.length + 1) % 64 !== 0) dict += " ";
  const header = Buffer.from(dict + "\n", "latin1");
  const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  const p = join(dir, name);
  writeFileSync(p, Buffer.concat([pre, header, Buffer.alloc(shape.reduce((a, b) => a * b, 1) * elemBytes)]));
  return p;
}

const MOD = join(dir, "table.scoremod.ts");
writeFileSync(MOD, `import { bf16, dim, f32, i32, scalar, scoreMod, tensor } from "scoremod";
export const table = tensor("table", bf16, ["H", "TOTAL_K"]);
export const scale = scalar("scale", f32, 1);
export const shift = scalar("shift", i32, 0);
export const m = scoreMod({}, (s, b, h, q, kv) => scale.value * s + table.at(h, kv % dim("TOTAL_K")) + dim("STEP") + shift.value);
`);
const fa = () => analyze(MOD, readFileSync(MOD, "utf8"), { target: "runner-sm90" });

async function bench(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await run(argv, { out: (t) => { out += t; }, err: (t) => { err += t; }, cwd: dir });
  return { code, out, err };
}

describe("one grammar for NAME=VALUE flags", () => {
  it("a list flag collects repeats in order; other flags still refuse a repeat", () => {
    const spec = { dim: "list", mod: "string" } as const;
    expect(parseArgs(["--dim", "A=1", "--dim=B=2,C=3"], spec).flags.dim).toEqual(["A=1", "B=2,C=3"]);
    expect(() => parseArgs(["--mod", "a", "--mod", "b"], spec)).toThrow("option '--mod' given twice");
  });

  it("repeated and comma-separated assignments are the same; a name twice is an error", () => {
    expect(parseAssignments("dim", ["A=1", "B=2,C=3"], true)).toEqual({ A: 1, B: 2, C: 3 });
    expect(parseAssignments("scalar", ["x=0.5"], false)).toEqual({ x: 0.5 });
    expect(() => parseAssignments("dim", ["A=1", "A=2"], true)).toThrow("--dim: A given twice");
    expect(() => parseAssignments("dim", ["A=1.5"], true)).toThrow("--dim needs NAME=INTEGER[,NAME=...], got 'A=1.5'");
  });

  it("--aux is TENSOR=PATH, the path taken whole (commas and '=' included)", () => {
    expect(parseAuxFlags(["a=x,y.npy", "b=w=1.safetensors:k"])).toEqual({ a: "x,y.npy", b: "w=1.safetensors:k" });
    expect(() => parseAuxFlags(["=x.npy"])).toThrow(UsageError);
    expect(() => parseAuxFlags(["a="])).toThrow("--aux needs TENSOR=PATH (PATH a .npy or .safetensors file, or file.safetensors:KEY), got 'a='");
    expect(() => parseAuxFlags(["a=x.npy", "a=y.npy"])).toThrow(`--aux: tensor "a" given twice`);
  });
});

describe("checkRunInputs", () => {
  it("finds the file's own dims in shapes and in dim() calls", () => {
    expect(fileDimUses(fa())).toEqual([
      { name: "H", tensors: ["table"], mods: [] },
      { name: "TOTAL_K", tensors: ["table"], mods: ["m"] },
      { name: "STEP", tensors: [], mods: ["m"] },
    ]);
    expect(ownDimUses(fa()).map((u) => u.name)).toEqual(["TOTAL_K", "STEP"]);
  });

  it("gives the job absolute paths (a :KEY kept), dims and scalars", () => {
    npy("t.npy", "<f2", [16, 8], 2); // f16: the host checks the dtype too
    const bf = join(dir, "t.safetensors");
    const json = JSON.stringify({ w: { dtype: "BF16", shape: [16, 8], data_offsets: [0, 256] } });
    const len = Buffer.alloc(8); len.writeBigUInt64LE(BigInt(json.length));
    writeFileSync(bf, Buffer.concat([len, Buffer.from(json), Buffer.alloc(256)]));
    expect(checkRunInputs(fa(), "table.scoremod.ts", { aux: ["table=t.safetensors:w"], dim: ["TOTAL_K=8", "STEP=2"], scalar: ["scale=0.5,shift=3"] }, dir)).toEqual({
      auxFiles: { table: `${bf}:w` }, dims: { TOTAL_K: 8, STEP: 2 }, scalars: { scale: 0.5, shift: 3 },
    });
    expect(checkRunInputs(fa(), "table.scoremod.ts", { dim: ["TOTAL_K=8,STEP=2"] }, dir)).toEqual({ dims: { TOTAL_K: 8, STEP: 2 } });
    expect(() => checkRunInputs(fa(), "table.scoremod.ts", { aux: ["table=t.npy"] }, dir)).toThrow(`--aux table: t.npy: dtype f16 but tensor "table" is declared bf16`);
  });
});

describe("scoremod bench refuses bad --aux, --dim and --scalar before running", () => {
  it.each([
    [["--aux", "tabel=t.npy"], `scoremod bench: --aux tabel: ${MOD} declares no tensor "tabel" (tensors: table)`],
    [["--aux", "table=missing.npy"], "scoremod bench: --aux table: missing.npy: no such file"],
    [["--aux", "table=t.csv"], "scoremod bench: --aux table: t.csv: aux data must be a .npy or .safetensors file"],
    [["--dim", "TOTAL=8"], `scoremod bench: --dim TOTAL: ${MOD} has no dim "TOTAL" (its own dims: TOTAL_K, STEP)`],
    [["--dim", "KV=8"], "scoremod bench: --dim KV: B, H, Q and KV come from --shape"],
    [["--dim", "TOTAL_K=0"], "scoremod bench: --dim TOTAL_K=0: a dim is a positive integer"],
    [["--scalar", "scal=1"], `scoremod bench: --scalar scal: ${MOD} declares no scalar "scal" (scalars: scale, shift)`],
    [["--scalar", "shift=1.5"], `scoremod bench: --scalar shift=1.5: "shift" is an i32 scalar`],
  ])("%j", async (extra, msg) => {
    const r = await bench([MOD, ...extra]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe(msg);
  });

  it("refuses a run that leaves an own dim unset, naming each, where it is used and the flag", () => {
    expect(() => checkRunInputs(fa(), "table.scoremod.ts", {}, dir)).toThrow(
      `table.scoremod.ts uses dims TOTAL_K (tensor table; dim("TOTAL_K") in m), STEP (dim("STEP") in m) that this run does not set, and a run never guesses a size: give --dim TOTAL_K=N --dim STEP=N`);
    expect(() => checkRunInputs(fa(), "table.scoremod.ts", { dim: ["STEP=2"] }, dir)).toThrow(
      `table.scoremod.ts uses dim TOTAL_K (tensor table; dim("TOTAL_K") in m) that this run does not set, and a run never guesses a size: give --dim TOTAL_K=N`);
  });

  // With or without a GPU (without one bench prints the plan and exits 0): refused, exit 2.
  it("scoremod bench examples/packed_mask.scoremod.ts without --dim KVW is refused, naming KVW", async () => {
    const ex = join(__dirname, "../../../examples/packed_mask.scoremod.ts");
    const r = await bench([ex, "--shape", "1,2,256,256,64"]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe(`scoremod bench: ${ex} uses dim KVW (tensor packed) that this run does not set, and a run never guesses a size: give --dim KVW=N`);
    expect(r.out).toBe("");
  });

  it.skipIf(native.probe().ok)("without a GPU, the plan names the user's aux file", async () => {
    const p = npy("table.npy", "bfloat16", [16, 8], 2);
    const r = await bench([MOD, "--aux", "table=table.npy", "--dim", "TOTAL_K=8", "--dim", "STEP=2", "--shape", "1,16,128,128,64"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`aux table: the user's data from ${p}\n`);
  });
});
