// Where a CLI bench's wall time goes across its two processes (the CLI and the runner worker):
// with SCOREMOD_TIMELINE=FILE each process appends its steps to FILE, stamped with the wall clock
// in ms since the epoch so the two processes' lines interleave. Off (no cost) when unset.
import { appendFileSync } from "node:fs";

const file = process.env.SCOREMOD_TIMELINE;

function append(line: string): void {
  try {
    appendFileSync(file!, `${line}\n`);
  } catch {
    // A diagnostic aid only: an unwritable file never fails a bench.
  }
}

export function mark(step: string): void {
  if (file) append(`${(performance.timeOrigin + performance.now()).toFixed(1)} ${process.pid} ${step}`);
}

/** The process's own start (Node's time origin), its bundle loaded (now) and, later, its exit. */
export function markStart(who: string): void {
  if (!file) return;
  append(`${performance.timeOrigin.toFixed(1)} ${process.pid} ${who}: process start`);
  mark(`${who}: bundle loaded`);
  process.on("exit", () => mark(`${who}: exit`));
}
