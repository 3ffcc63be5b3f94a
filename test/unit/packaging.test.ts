// Per-platform packages (scripts/package-vsix.mjs --target): the host's package carries the
// addon built for it, the universal one none, and each says which it is in dist/vsix-target.json
// (csrc/index.js turns a missing runner into "no runner for this platform" with it; addon.test.ts).
// Stages only (no vsce): needs dist/ from `node scripts/build.mjs`, which the test command runs first.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without typings
import { TARGETS, elfMachine, hostTarget } from "../../scripts/vsix-targets.mjs";

const root = join(__dirname, "..", "..");
const built = existsSync(join(root, "dist", "extension.js")) && existsSync(join(root, "csrc", "build", "Release", "scoremod_native.node"));

function stage(target: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "scoremod-stage-")), "stage");
  execFileSync(process.execPath, [join(root, "scripts/package-vsix.mjs"), "--target", target, "--stage-only", "--stage", dir], { cwd: root, stdio: "pipe" });
  return dir;
}

describe.runIf(built)("per-platform .vsix staging", () => {
  it("the host's target carries its own addon (ELF machine checked) and says so", () => {
    const host = hostTarget() as string;
    const dir = stage(host);
    expect(JSON.parse(readFileSync(join(dir, "dist/vsix-target.json"), "utf8"))).toEqual({ target: host });
    expect(elfMachine(join(dir, "csrc/build/Release/scoremod_native.node"))).toBe((TARGETS as Record<string, { elfMachine: number }>)[host]!.elfMachine);
  }, 60_000);

  it("universal: no addon, the marker says universal", () => {
    const dir = stage("universal");
    expect(JSON.parse(readFileSync(join(dir, "dist/vsix-target.json"), "utf8"))).toEqual({ target: "universal" });
    expect(existsSync(join(dir, "csrc/build/Release"))).toBe(false);
    expect(existsSync(join(dir, "csrc/kernels/scoremod_abi.cuh"))).toBe(true); // analysis and PTX still use them
  }, 60_000);

  it("a target whose addon was not built is refused with the command that builds it", () => {
    const other = hostTarget() === "linux-arm64" ? "linux-x64" : "linux-arm64";
    if (existsSync(join(root, "out/addon", other))) return; // built on this machine: nothing to refuse
    expect(() => stage(other)).toThrow(new RegExp(`node scripts/build-addon\\.mjs --target ${other}`));
  }, 60_000);
});
