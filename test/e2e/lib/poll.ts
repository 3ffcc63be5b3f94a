// Waiting on state, never on the clock: poll a probe until it yields a value or time runs out.

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `probe` until it returns something other than undefined/null/false and returns that.
 * A probe that throws ends the wait at once (it means "this will never become true").
 * On timeout the error names what was awaited and the last value seen (via `describe`).
 */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  opts: PollOptions & { describe?: () => Promise<string> | string } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const intervalMs = opts.intervalMs ?? 150;
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > end) {
      const seen = opts.describe ? ` (last seen: ${await opts.describe()})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${seen}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
