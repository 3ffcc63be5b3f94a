// The one nvcc finder (the runner passes its answer to the addon, which searches for none) and the
// only module of ours that spawns nvcc: compiles generated CUDA to PTX with line info for a target.
// (The addon runs the nvcc it is given when NVRTC is missing: csrc/src/compile.cc.)
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { TARGETS, type TargetId } from "../analysis/targets";

export class NvccMissingError extends Error {
  constructor(searched: string[]) {
    super(`nvcc not found (looked in ${searched.join(", ")} and PATH); install the CUDA toolkit or set CUDA_HOME`);
  }
}
export class NvccError extends Error {
  constructor(message: string, readonly stderr: string) { super(message); }
}
/** The caller's AbortSignal fired: nvcc and everything it started were killed. */
export class NvccCancelled extends Error {
  constructor() { super("nvcc was cancelled"); }
}

/** Where nvcc is: $SCOREMOD_NVCC, $CUDA_HOME/bin, $CUDA_PATH/bin, /usr/local/cuda/bin, then PATH. */
export function findNvcc(env: NodeJS.ProcessEnv = process.env, standardDirs: string[] = ["/usr/local/cuda/bin"]): string {
  const exe = process.platform === "win32" ? "nvcc.exe" : "nvcc";
  if (env.SCOREMOD_NVCC) {
    if (existsSync(env.SCOREMOD_NVCC)) return env.SCOREMOD_NVCC;
    throw new NvccMissingError([`$SCOREMOD_NVCC (${env.SCOREMOD_NVCC})`]);
  }
  const dirs = [env.CUDA_HOME, env.CUDA_PATH].filter((d): d is string => !!d).map((d) => join(d, "bin"));
  dirs.push(...standardDirs);
  for (const d of dirs) if (existsSync(join(d, exe))) return join(d, exe);
  for (const d of (env.PATH ?? "").split(delimiter)) if (d && existsSync(join(d, exe))) return join(d, exe);
  throw new NvccMissingError(dirs);
}

/** findNvcc's answer, or "" when there is none (the addon's convention). */
export function nvccOrEmpty(env: NodeJS.ProcessEnv = process.env): string {
  try { return findNvcc(env); } catch (e) { if (e instanceof NvccMissingError) return ""; throw e; }
}

/** Where csrc/kernels is looked for: `first` (a job's own), $SCOREMOD_KERNELS, beside the bundle in dist/ or the sources, the cwd's. */
export function kernelsDirCandidates(first?: string): string[] {
  const here = typeof __dirname === "string" ? __dirname : process.cwd();
  return [first, process.env.SCOREMOD_KERNELS, resolve(here, "../csrc/kernels"), resolve(here, "../../../csrc/kernels"), resolve(process.cwd(), "csrc/kernels")]
    .filter((c): c is string => !!c);
}

/** csrc/kernels (the kernels and scoremod_abi.cuh): the one place its install path is found, for nvcc and the runner. */
export function kernelsIncludeDir(first?: string): string {
  const candidates = kernelsDirCandidates(first);
  for (const c of candidates) if (existsSync(join(c, "scoremod_abi.cuh")) && existsSync(join(c, "attention_entries.cuh"))) return c;
  throw new Error(`kernel headers (csrc/kernels/scoremod_abi.cuh, attention_entries.cuh) not found; tried ${candidates.join(", ")}`);
}

export interface PtxOptions {
  target: TargetId;
  /** Extra -D defines, e.g. ["SM_BOUNDS_CHECK"]. */
  defines?: string[];
  /** Name of the .cu file nvcc sees (it appears in PTX `.file` lines). */
  fileName?: string;
  timeoutMs?: number;
  nvcc?: string;
  /** Aborting kills nvcc and its children (cicc, ptxas) and rejects with NvccCancelled. */
  signal?: AbortSignal;
}

export interface PtxResult { ptx: string; ms: number; command: string[] }

/**
 * Runs a toolkit program (nvcc, or the disassemblers of toolchain/sass.ts) with a timeout and an
 * AbortSignal; stderr is kept (its last MB), stdout only when asked (a disassembly).
 */
export function runTool(cmd: string, args: string[], cwd: string, timeoutMs: number, signal?: AbortSignal, keepStdout = false): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolveP, reject) => {
    if (signal?.aborted) { reject(new NvccCancelled()); return; }
    // Its own process group (POSIX), so that a kill reaches cicc and ptxas too, not only nvcc.
    const group = process.platform !== "win32";
    const p = spawn(cmd, args, { cwd, stdio: ["ignore", keepStdout ? "pipe" : "ignore", "pipe"], detached: group });
    let stderr = "";
    const stdout: Buffer[] = [];
    p.stderr!.on("data", (d: Buffer) => { stderr = (stderr + d.toString()).slice(-1_000_000); });
    p.stdout?.on("data", (d: Buffer) => { stdout.push(d); });
    const kill = (): void => {
      try {
        if (group && p.pid !== undefined) process.kill(-p.pid, "SIGKILL");
        else p.kill("SIGKILL");
      } catch { /* already gone */ }
    };
    let cancelled = false;
    const onAbort = (): void => { cancelled = true; kill(); };
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(kill, timeoutMs);
    const done = (): void => { clearTimeout(timer); signal?.removeEventListener("abort", onAbort); };
    p.on("error", (e) => { done(); reject(e); });
    p.on("close", (code) => {
      done();
      if (cancelled) reject(new NvccCancelled());
      else resolveP({ code, stderr, stdout: Buffer.concat(stdout).toString("utf8") });
    });
  });
}

/** Compile one translation unit to PTX with -lineinfo for the target's arch. */
export async function compileToPtx(source: string, opts: PtxOptions): Promise<PtxResult> {
  const nvcc = opts.nvcc ?? findNvcc();
  const dir = mkdtempSync(join(tmpdir(), "scoremod-nvcc-"));
  try {
    const cu = join(dir, opts.fileName ?? "mod.cu");
    const out = join(dir, "out.ptx");
    writeFileSync(cu, source);
    const args = ["-ptx", "-lineinfo", "-std=c++17", ...TARGETS[opts.target].nvccArch, `-I${kernelsIncludeDir()}`,
      ...(opts.defines ?? []).map((d) => `-D${d}`), "-o", out, cu];
    const t0 = performance.now();
    const r = await runTool(nvcc, args, dir, opts.timeoutMs ?? 120_000, opts.signal);
    const ms = performance.now() - t0;
    if (r.code !== 0) {
      throw new NvccError(`nvcc failed (exit ${r.code ?? "killed"}) for ${opts.target}:\n${r.stderr.trim()}`, r.stderr);
    }
    return { ptx: readFileSync(out, "utf8"), ms, command: [nvcc, ...args] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
