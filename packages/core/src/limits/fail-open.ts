import { withTimeout } from '../with-timeout.ts';

/** Where a limit that let something through says so (a pino logger). */
export interface WarnLog {
  warn(obj: object, msg: string): void;
}

export interface FailOpenOptions {
  /** How long to wait for Redis before giving up (default 200 ms, as the rate limiter and the quota). */
  timeoutMs?: number;
  /** At most one warning per this interval, with the number of checks let through since the last (default 10 s). */
  warnEveryMs?: number;
}

/**
 * A runner for limit checks kept in Redis that fails open, as the API's rate limiter and the daily
 * quota do: when Redis fails or does not answer within `timeoutMs`, the check answers `fallback`
 * (let through, count nothing) and a warning is logged, at most one per `warnEveryMs`. Limits guard
 * against floods; Postgres is the record, and a Redis outage must not become an outage of intake.
 * A RangeError (a programming error) is thrown as it is.
 */
export function failOpen(log: WarnLog, what: string, options: FailOpenOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 200;
  const warnEveryMs = options.warnEveryMs ?? 10_000;
  let lastWarning = -Infinity;
  let letThrough = 0;
  return async function run<T>(check: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await withTimeout(check(), timeoutMs, what);
    } catch (err) {
      if (err instanceof RangeError) throw err;
      letThrough += 1;
      if (Date.now() - lastWarning >= warnEveryMs) {
        log.warn({ err: (err as Error).message, letThrough }, `${what} unavailable: let through, not counted`);
        lastWarning = Date.now();
        letThrough = 0;
      }
      return fallback;
    }
  };
}
