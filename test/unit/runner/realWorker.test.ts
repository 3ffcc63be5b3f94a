// The real bundled worker (dist/runner-worker.js, from `npm run build`) on a machine without a
// GPU: it starts, answers probe with a structured reason, and refuses a bench with "no-gpu". It
// computes heat maps (they need no GPU), and a file that never returns is stopped by the watchdog.
import { describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { RunnerSupervisor } from "../../../server/src/runner/supervisor";
import { RunnerError } from "../../../server/src/runner/types";
import * as native from "../../../csrc/index";

const workerPath = fileURLToPath(new URL("../../../dist/runner-worker.js", import.meta.url));
const run = existsSync(workerPath) && !native.probe().ok;

describe.runIf(run)("bundled runner worker without a GPU", () => {
  it("probe returns the reason, bench is refused as no-gpu, and the worker stays up", async () => {
    const sup = new RunnerSupervisor({ workerPath, idleLimitMs: 20_000 });
    try {
      const p = await sup.probe();
      expect(p.ok).toBe(false);
      if (!p.ok) expect(["no-driver", "no-device", "no-nvrtc"]).toContain(p.reason);
      const err = await sup.bench({ fileName: "k.scoremod.ts", text: "", mod: "m", shape: { B: 1, H: 1, Q: 64, KV: 64, D: 64 } }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(RunnerError);
      expect((err as RunnerError).info.kind).toBe("no-gpu");
      expect((err as RunnerError).message).toMatch(/no GPU run: no-(driver|device|nvrtc)/);
      await sup.probe();
      expect(sup.started).toBe(1);
    } finally {
      sup.dispose();
    }
  }, 30_000);

  it("computes a heat map; a file whose top-level code never returns is stopped, and the next one runs in a fresh worker", async () => {
    const sup = new RunnerSupervisor({ workerPath, idleLimitMs: 20_000 });
    const fileName = fileURLToPath(new URL("../../../examples/kv_bias.scoremod.ts", import.meta.url));
    const text = readFileSync(fileName, "utf8");
    try {
      const r = await sup.heatMap({ fileName, text, params: { mod: "kvBiasMod", size: 4 } });
      expect(r.ok, r.ok ? "" : r.error).toBe(true);
      if (r.ok) expect(r.window!.out).toHaveLength(16);
      // (A loop with no analysis error: an error outside the mod would block it, ModFact.blocking.)
      const stuck = await sup.heatMap({ fileName, text: text + "\nfor (;;) { /* never returns */ }\n", params: { mod: "kvBiasMod", size: 4 } }, 2_000)
        .then(() => null, (e: unknown) => e);
      expect((stuck as RunnerError).info.kind).toBe("hang");
      expect((stuck as RunnerError).message).toMatch(/mod 'kvBiasMod': no progress for 2000 ms/);
      expect((await sup.heatMap({ fileName, text, params: { mod: "kvBiasMod", size: 4 } })).ok).toBe(true);
      expect(sup.started).toBe(2);
    } finally {
      sup.dispose();
    }
  }, 60_000);
});
