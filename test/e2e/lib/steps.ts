// A tiny sequential test runner for UI steps: each step passes or fails on its own (a failed
// step leaves a screenshot), a failed critical step skips the rest, and the run ends with the
// `N passed, N failed` line that CI greps for.
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";

export interface StepResult { name: string; ok: boolean; skipped?: boolean; ms: number; info?: string; error?: string }

export class Steps {
  readonly results: StepResult[] = [];
  private abort = false;

  constructor(private readonly artifacts: string, private readonly page: () => Page | undefined) {}

  /** Runs one check. `critical`: later steps cannot mean anything if this fails. */
  async run(name: string, fn: () => Promise<string | void>, opts: { critical?: boolean } = {}): Promise<boolean> {
    if (this.abort) {
      this.results.push({ name, ok: false, skipped: true, ms: 0, error: "skipped: an earlier critical step failed" });
      console.log(`SKIP ${name}`);
      return false;
    }
    const t0 = Date.now();
    try {
      const info = (await fn()) || undefined;
      const ms = Date.now() - t0;
      this.results.push({ name, ok: true, ms, info });
      console.log(`ok   ${name} (${ms} ms)${info ? ": " + info : ""}`);
      return true;
    } catch (e) {
      const ms = Date.now() - t0;
      const error = e instanceof Error ? e.message : String(e);
      this.results.push({ name, ok: false, ms, error });
      console.log(`FAIL ${name} (${ms} ms): ${error}`);
      const page = this.page();
      if (page) await page.screenshot({ path: path.join(this.artifacts, `fail-${name}.png`), animations: "disabled" }).catch(() => undefined);
      if (opts.critical) this.abort = true;
      return false;
    }
  }

  /** Writes results.json and prints the closing line; returns the process exit code. */
  finish(extra: Record<string, unknown>): number {
    const passed = this.results.filter((r) => r.ok).length;
    const failed = this.results.length - passed;
    writeFileSync(path.join(this.artifacts, "results.json"), JSON.stringify({ results: this.results, ...extra }, null, 2) + "\n");
    console.log(`${passed} passed, ${failed} failed`);
    return failed === 0 && passed > 0 ? 0 : 1;
  }
}
