// The runner's helper kernels in one module, compiled once per worker process: the sample
// generator (sample_fill.cuh) and the output checks (output_compare.cuh).
import * as native from "scoremod-native";
import { nvccOrEmpty } from "../toolchain/nvcc";
import { RunnerError } from "./types";

const KERNELS = ["sm_sample_fill", "sm_sample_segments", "sm_sample_scan", "sm_sample_bad_value", "sm_compare_bitwise", "sm_compare_error"];
const modules = new Map<string, Promise<number>>();

export function helperModule(arch: string, dir: string): Promise<number> {
  const key = `${arch}\n${dir}`;
  let m = modules.get(key);
  if (!m) {
    m = (async () => {
      const r = await native.compile('#include "sample_fill.cuh"\n#include "output_compare.cuh"\n', { arch, nvcc: nvccOrEmpty(), includeDirs: [dir], name: "runner_helpers.cu", nameExpressions: KERNELS });
      if (!r.ok) throw new RunnerError({ kind: "internal", message: `the runner's helper kernels did not compile (${r.reason}): ${r.log.split("\n").slice(0, 5).join(" | ")}`, log: r.log });
      return native.loadModule(r.cubin);
    })();
    modules.set(key, m);
    m.catch(() => modules.delete(key));
  }
  return m;
}
