// The runner's own refusal of an unset dim, in its job preparation (no GPU needed): every caller
// (the CLI, the editor, the GPU suite) goes through prepareJob, so none can run a file's own dim
// at a size nobody chose.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { prepareJob } from "../../../server/src/runner/prepare";
import { RunnerError, type BenchJob } from "../../../server/src/runner/types";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const fileName = `${root}examples/packed_mask.scoremod.ts`;
const H100 = { sm: 90, name: "H100 (not opened: preparation needs no GPU)" };
const job = (extra: Partial<BenchJob> = {}): BenchJob => ({
  fileName, text: readFileSync(fileName, "utf8"), mod: "packedMask", shape: { B: 1, H: 2, Q: 256, KV: 256, D: 64 }, kernelDir: `${root}csrc/kernels`, ...extra,
});

function refusal(j: BenchJob): RunnerError {
  try { prepareJob(H100, j); } catch (e) { if (e instanceof RunnerError) return e; throw e; }
  throw new Error("prepareJob did not refuse the job");
}

describe("prepareJob refuses a file's own dim the job leaves unset", () => {
  it("names the dim, the tensor that uses it and both ways to set it", () => {
    const e = refusal(job());
    expect(e.info).toMatchObject({ kind: "analysis", mod: "packedMask", missingDims: ["KVW"] });
    expect(e.message).toBe(`${fileName} uses dim KVW (tensor packed) that this run does not set, and a run never guesses a size: set KVW=N (scoremod bench: --dim KVW=N; the editor: "Score Mod: Set Run Sizes for This File…")`);
    // A dim of another name does not stand in for it.
    expect(refusal(job({ dims: { KV_WORDS: 8 } })).info.missingDims).toEqual(["KVW"]);
  });

  it("prepares the job once the dim is set", () => {
    const p = prepareJob(H100, job({ dims: { KVW: 8 } }));
    expect(p.primary.mod.name).toBe("packedMask");
    expect(p.programs.vec.source.length).toBeGreaterThan(0);
  });
});
