// Issue 14, item 7: heat maps are queued with a cap. A burst beyond it is told "busy" at once;
// queued jobs run when a slot frees (they are not timed while they wait).
import { describe, expect, it } from "vitest";
import { JobQueue } from "../../server/src/lsp/jobQueue";

describe("JobQueue", () => {
  it("runs at most `running` at once, queues `queued`, refuses the rest", async () => {
    const q = new JobQueue(2, 3);
    let live = 0, peak = 0;
    const releases: (() => void)[] = [];
    const job = (i: number) => () => new Promise<string>((resolve) => {
      live++; peak = Math.max(peak, live);
      releases.push(() => { live--; resolve(`done ${i}`); });
    });
    const results = Array.from({ length: 8 }, (_, i) => q.run(job(i), () => `busy ${i}`));
    await new Promise((r) => setTimeout(r, 10));
    expect([q.running, q.queued]).toEqual([2, 3]);
    expect(await Promise.all(results.slice(5))).toEqual(["busy 5", "busy 6", "busy 7"]);
    while (releases.length) { releases.shift()!(); await new Promise((r) => setTimeout(r, 5)); }
    expect(await Promise.all(results.slice(0, 5))).toEqual(["done 0", "done 1", "done 2", "done 3", "done 4"]);
    expect(peak).toBe(2);
    expect([q.running, q.queued]).toEqual([0, 0]);
  });

  it("a failing job frees its slot", async () => {
    const q = new JobQueue(1, 1);
    const a = q.run(() => Promise.reject(new Error("boom")), () => "busy");
    const b = q.run(() => Promise.resolve("ok"), () => "busy");
    await expect(a).rejects.toThrow("boom");
    expect(await b).toBe("ok");
  });
});
