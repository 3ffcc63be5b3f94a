// The server must never crash on any text: every handler runs inside `safely`, which logs the
// error (with the method name) and answers a neutral value instead of a JSON-RPC error.
export type Logger = (message: string) => void;

export function safely<P extends unknown[], R>(name: string, log: Logger, fallback: R, fn: (...args: P) => R): (...args: P) => R {
  return (...args: P): R => {
    try {
      return fn(...args);
    } catch (e) {
      log(`[${name}] ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return fallback;
    }
  };
}

export function safelyAsync<P extends unknown[], R>(name: string, log: Logger, fallback: R, fn: (...args: P) => Promise<R>): (...args: P) => Promise<R> {
  return async (...args: P): Promise<R> => {
    try {
      return await fn(...args);
    } catch (e) {
      log(`[${name}] ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return fallback;
    }
  };
}
