// The native addon on a machine without a GPU (this machine and CI): it loads, probe() explains
// why the GPU part cannot run and never throws, compile() reports missing compilers and compile
// errors as results, and GPU calls throw a message that names the missing driver.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { nvccOrEmpty } from "../../../server/src/toolchain/nvcc";

const csrc = fileURLToPath(new URL("../../../csrc/", import.meta.url));
const native = createRequire(import.meta.url)(join(csrc, "index.js")) as typeof import("../../../csrc/index");
// The one nvcc finder (the addon searches for none; it runs the nvcc it is given).
const NVCC = nvccOrEmpty();
const hasNvcc = NVCC !== "";

function probeWith(env: Record<string, string>, indexJs = join(csrc, "index.js")): Record<string, unknown> {
  const out = execFileSync(process.execPath, ["-e", `process.stdout.write(JSON.stringify(require(${JSON.stringify(indexJs)}).probe()))`],
    { env: { ...process.env, ...env }, encoding: "utf8" });
  return JSON.parse(out) as Record<string, unknown>;
}

describe("native addon without a GPU", () => {
  it("loads from the node-gyp build", () => {
    expect(native.loadError).toBeNull();
    expect(native.loadedFrom).toMatch(/scoremod_native\.node$/);
  });

  it("probe() gives a structured reason and the search it made", () => {
    const p = native.probe();
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(["no-driver", "no-device", "no-nvrtc"]).toContain(p.reason);
    expect(p.detail).toMatch(/libcuda|device|nvrtc/);
    expect(p.devices).toEqual([]);
  });

  it("a library that is not the driver is reported as no-driver with the missing symbols", () => {
    const p = probeWith({ SCOREMOD_LIBCUDA: "libm.so.6" });
    expect(p).toMatchObject({ ok: false, reason: "no-driver" });
    expect(String(p.detail)).toMatch(/lacks cuInit/);
  });

  it("a missing .node file makes probe() say how to build it", () => {
    const dir = mkdtempSync(join(tmpdir(), "scoremod-noaddon-"));
    copyFileSync(join(csrc, "index.js"), join(dir, "index.js"));
    const p = probeWith({ SCOREMOD_NATIVE: join(dir, "absent.node") }, join(dir, "index.js"));
    expect(p).toMatchObject({ ok: false, reason: "no-addon" });
    expect(String(p.detail)).toMatch(/npm ci/);
  });

  it("an installed package without this platform's runner says so, not how to build it (package-vsix.mjs's marker)", () => {
    const platform = `${process.platform}-${process.arch}`;
    for (const [target, want] of [
      ["universal", /^no runner for this platform \(.+\): this is the universal Score Mod Studio package, which ships no native runner/],
      [platform === "linux-arm64" ? "linux-x64" : "linux-arm64", new RegExp(`^no runner for this platform \\(${platform}\\): this Score Mod Studio package's runner is built for linux-`)],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), "scoremod-noplatform-"));
      copyFileSync(join(csrc, "index.js"), join(dir, "index.js"));
      writeFileSync(join(dir, "vsix-target.json"), JSON.stringify({ target }));
      const p = probeWith({ SCOREMOD_NATIVE: join(dir, "absent.node") }, join(dir, "index.js"));
      expect(p).toMatchObject({ ok: false, reason: "no-platform" });
      expect(String(p.detail)).toMatch(want);
      expect(String(p.detail)).not.toMatch(/npm ci/);
    }
  });

  it("GPU calls throw an error that names the missing driver", () => {
    expect(() => native.alloc(16)).toThrow(/libcuda/);
    expect(() => native.init(0)).toThrow(/libcuda/);
  });

  it("compile() with NVRTC forced and absent is a structured no-nvrtc result", async () => {
    const r = await native.compile("__global__ void k() {}", { arch: "sm_90a", compiler: "nvrtc" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe("no-nvrtc");
    expect(r.log).toMatch(/libnvrtc/);
  });

  it("compile() searches for no nvcc of its own: without one given, nvcc is absent", async () => {
    const r = await native.compile("__global__ void k() {}", { arch: "sm_90a", compiler: "nvcc" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe("no-compiler");
    expect(native.probe().nvcc).toBeNull();
    if (hasNvcc) expect(native.probe(NVCC).nvcc).toBe(NVCC);
  });

  it("compile() rejects bad arguments with a usage message", () => {
    expect(() => (native.compile as unknown as (s: string, o: object) => unknown)("x", {})).toThrow(/options\.arch/);
  });

  it.runIf(hasNvcc)("falls back to nvcc: a cubin, ptxas info, and compile errors as results", async () => {
    const ok = await native.compile('extern "C" __global__ void k(float* x) { x[threadIdx.x] = SCALE; }',
      { arch: "sm_90a", defines: ["SCALE=2.f"], nameExpressions: ["k"], compiler: "nvcc", nvcc: NVCC });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.compiler).toBe("nvcc");
    expect(ok.cubin.subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));  // ELF
    expect(ok.log).toMatch(/Used \d+ registers/);
    expect(ok.lowered).toEqual({ k: "k" });
    const bad = await native.compile('extern "C" __global__ void k(float* x) { x[0] = undefined_thing; }', { arch: "sm_90a", compiler: "nvcc", nvcc: NVCC, name: "bad.cu" });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.reason).toBe("compile-error");
    expect(bad.log).toMatch(/bad\.cu\(1\): error: identifier "undefined_thing" is undefined/);
  });
});
