// Whether the editor offers GPU runs: the probe's verdict (no driver, no NVRTC, a GPU older than
// sm_80, a runner that did not start), the words it shows, the log lines "Show Log" opens, and
// the CLI line for running on a GPU machine instead.
import { describe, expect, test } from "vitest";
import { benchCommand, explain, gpuAvailability, probeLog, runElsewhereHint } from "../../../client/src/gpuAvailability";

const common = { driverVersion: 0, libcuda: null, libnvrtc: null, nvrtcVersion: null, nvrtcError: null, nvcc: null, compiler: null };
const dev = (name: string, sm: number) => ({ index: 0, name, sm, major: Math.floor(sm / 10), minor: sm % 10, smCount: 0, memoryBytes: 0, clockKHz: 0, memClockKHz: 0, memBusWidth: 0, l2Bytes: 0, maxSmemPerBlockOptin: 0 });
const noGpu = (reason: "no-addon" | "no-platform" | "no-driver" | "no-device" | "no-nvrtc", detail: string) =>
  ({ ok: true as const, value: { ...common, ok: false as const, devices: [], reason, detail } });

describe("GPU availability", () => {
  test("a GPU of sm_80 or newer is available, named with its arch", () => {
    const a = gpuAvailability({ ok: true, value: { ...common, ok: true, devices: [dev("NVIDIA H100 80GB HBM3", 90)] } });
    expect(a).toEqual({ available: true, label: "NVIDIA H100 80GB HBM3 (sm_90)", reason: "" });
  });

  test("no driver, no NVRTC, no addon: unavailable, with the probe's reason and detail", () => {
    expect(gpuAvailability(noGpu("no-driver", "libcuda.so.1: cannot open shared object file"))).toEqual({
      available: false, label: "No GPU: no CUDA driver", reason: "libcuda.so.1: cannot open shared object file",
    });
    expect(gpuAvailability(noGpu("no-nvrtc", "libnvrtc.so.12 not found")).label).toBe("No GPU: no NVRTC");
    expect(gpuAvailability(noGpu("no-addon", "")).reason).toBe("runner addon not built");
    // The universal .vsix (csrc/index.js reads package-vsix.mjs's marker).
    expect(gpuAvailability(noGpu("no-platform", "no runner for this platform (linux-arm64): …")).label).toBe("No GPU: no runner for this platform");
  });

  test("a GPU older than sm_80 is not usable: the runner's kernels need sm_80", () => {
    const a = gpuAvailability({ ok: true, value: { ...common, ok: true, devices: [dev("Tesla T4", 75)] } });
    expect(a.available).toBe(false);
    expect(a.label).toBe("No GPU: sm_75 < sm_80");
    expect(a.reason).toContain("Tesla T4 (sm_75)");
    // One usable device among old ones is enough; only it is named.
    const mixed = gpuAvailability({ ok: true, value: { ...common, ok: true, devices: [dev("Tesla T4", 75), dev("NVIDIA A100", 80)] } });
    expect(mixed).toMatchObject({ available: true, label: "NVIDIA A100 (sm_80)" });
  });

  test("a runner that failed to start is no GPU, saying so", () => {
    const a = gpuAvailability({ ok: false, error: { kind: "internal", message: "spawn ENOENT" } });
    expect(a).toMatchObject({ available: false, label: "No GPU: runner unavailable" });
    expect(a.reason).toContain("spawn ENOENT");
  });

  test("the log says what the probe found and how to run elsewhere (Show Log is never empty)", () => {
    const lines = probeLog(noGpu("no-driver", "libcuda.so.1 not found"));
    expect(lines[0]).toBe("[gpu] No GPU: no CUDA driver. libcuda.so.1 not found.");
    expect(lines[1]).toContain("libcuda: not found");
    expect(lines.at(-1)).toContain("npx scoremod bench");
    expect(lines.at(-1)).toContain("Remote-SSH");
  });

  test("one message from label and reason, punctuated once", () => {
    expect(explain({ available: false, label: "No GPU: no NVRTC", reason: "tried libnvrtc.so.12." })).toBe("No GPU: no NVRTC. tried libnvrtc.so.12.");
    expect(explain({ available: true, label: "NVIDIA H100 (sm_90)", reason: "" })).toBe("NVIDIA H100 (sm_90).");
  });

  test("the CLI line quotes what the shell would split", () => {
    expect(benchCommand("examples/kv_bias.scoremod.ts", "kvBiasMod")).toBe("npx scoremod bench examples/kv_bias.scoremod.ts --mod kvBiasMod");
    expect(benchCommand("my mods/a'b.scoremod.ts")).toBe("npx scoremod bench 'my mods/a'\\''b.scoremod.ts'");
    expect(runElsewhereHint("a.scoremod.ts", "m")).toContain("`npx scoremod bench a.scoremod.ts --mod m`");
  });
});
