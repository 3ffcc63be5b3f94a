// Where a CLI bench's wall time goes across its two processes (the CLI and the runner worker):
// with SCOREMOD_TIMELINE=FILE each process appends its steps to FILE, stamped with the wall clock
// in ms since the epoch so the two processes' lines interleave. Off (no cost) when unset.
import { appendFileSync } from "node:fs";

const file = process.env.SCOREMOD_TIMELINE;

export function mark(step: string): void {
  if (!file) return;
  try {
    appendFileSync(file, `${(performance.timeOrigin + performance.now()).toFixed(1)} ${process.pid} ${step}\n`);
  } catch {
    // A diagnostic aid only: an unwritable file never fails a bench.
  }
}

/** The process's own start (Node's time origin), marked once. */
export function markStart(who: string): void {
  if (file) try { appendFileSync(file, `${performance.timeOrigin.toFixed(1)} ${process.pid} ${who}: process start\n`); } catch { /* as above */ }
  mark(`${who}: bundle loaded`);
  if (file) process.on("exit", () => mark(`${who}: exit`));
}
