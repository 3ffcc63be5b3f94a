// `bench --aux NAME=PATH --dim NAME=VALUE --scalar NAME=VALUE`: the user's inputs to a run,
// checked against the file's declarations on the host before any job goes to the runner, so a
// typo or a missing file is a usage error in milliseconds rather than a runner failure.
import { resolve } from "node:path";
import type { FileAnalysis } from "../analysis/facts";
import { checkDtype, parseAuxSpec, readAuxHeader } from "../runner/auxFile";
import { InputError, UsageError, parseAssignments } from "./args";
import { SHAPE_DIMS, TOTAL_DIMS, missingDims, missingDimsMessage, ownDimUses } from "../runner/ownDims";

/** What a BenchJob takes from these flags (only the fields given). */
export interface RunInputs { auxFiles?: Record<string, string>; dims?: Record<string, number>; scalars?: Record<string, number>; seqlens?: { q: number[]; kv: number[] } }

/** `--aux NAME=PATH` (repeatable; PATH may be `file.safetensors:key`). */
export function parseAuxFlags(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0 || eq === v.length - 1) throw new UsageError(`--aux needs TENSOR=PATH (PATH a .npy or .safetensors file, or file.safetensors:KEY), got '${v}'`);
    const name = v.slice(0, eq);
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new UsageError(`--aux: tensor "${name}" given twice`);
    out[name] = v.slice(eq + 1);
  }
  return out;
}

const listed = (names: readonly string[], none: string) => (names.length ? names.join(", ") : none);

/**
 * The flags' values checked against `fa` (the analysis of `file`): every --aux names a declared
 * tensor and a readable .npy/.safetensors file of its dtype (paths resolved against `cwd`, the
 * job gets absolute ones), every --dim a dim of the file other than B, H, Q, KV, every --scalar a
 * declared scalar (an integer for an i32 one); and every own dim of the file is set (the runner
 * refuses a job without one too, but only once it runs: without a GPU this is the only check).
 */
export function checkRunInputs(fa: FileAnalysis, file: string, flags: { aux?: string[]; dim?: string[]; scalar?: string[] }, cwd: string): RunInputs {
  const out: RunInputs = {};
  const aux = parseAuxFlags(flags.aux);
  for (const [name, spec] of Object.entries(aux)) {
    const t = fa.tensors.find((x) => x.name === name);
    if (!t) throw new UsageError(`--aux ${name}: ${file} declares no tensor "${name}" (tensors: ${listed(fa.tensors.map((x) => x.name), "none")})`);
    const { path, key } = parseAuxSpec(spec);
    const abs = resolve(cwd, path);
    const absSpec = key === undefined ? abs : `${abs}:${key}`;
    try {
      checkDtype(readAuxHeader(absSpec, name), name, t.dtype);
    } catch (e) {
      // Name the file as the user wrote it.
      const msg = (e as Error).message;
      throw new InputError(`--aux ${name}: ${msg.startsWith(abs) ? path + msg.slice(abs.length) : msg}`);
    }
    (out.auxFiles ??= {})[name] = absSpec;
  }
  const dims = parseAssignments("dim", flags.dim, true);
  const own = ownDimUses(fa).map((u) => u.name);
  for (const [name, v] of Object.entries(dims)) {
    if (SHAPE_DIMS.has(name)) throw new UsageError(`--dim ${name}: B, H, Q and KV come from --shape`);
    if (TOTAL_DIMS.has(name)) throw new UsageError(`--dim ${name}: the packed totals come from --shape (B * ${name === "TOTAL_Q" ? "Q" : "KV"}) or from --seqlens (the lengths' sum)`);
    if (!own.includes(name)) throw new UsageError(`--dim ${name}: ${file} has no dim "${name}" (its own dims: ${listed(own, "none")})`);
    if (v < 1) throw new UsageError(`--dim ${name}=${v}: a dim is a positive integer`);
  }
  if (Object.keys(dims).length) out.dims = dims;
  const scalars = parseAssignments("scalar", flags.scalar, false);
  for (const [name, v] of Object.entries(scalars)) {
    const s = fa.scalars.find((x) => x.name === name);
    if (!s) throw new UsageError(`--scalar ${name}: ${file} declares no scalar "${name}" (scalars: ${listed(fa.scalars.map((x) => x.name), "none")})`);
    if (s.dtype === "i32" && (!Number.isInteger(v) || v < -2147483648 || v > 2147483647)) throw new UsageError(`--scalar ${name}=${v}: "${name}" is an i32 scalar`);
  }
  if (Object.keys(scalars).length) out.scalars = scalars;
  const missing = missingDims(fa, dims);
  if (missing.length) throw new UsageError(missingDimsMessage(file, missing, (names) => `give ${names.map((n) => `--dim ${n}=N`).join(" ")}`));
  return out;
}
