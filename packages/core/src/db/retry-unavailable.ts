import type { Log } from '../logger.ts';
import { isDatabaseUnavailable } from './unavailable.ts';

export interface RetryOptions {
  /** Give up (rethrow the last error) once this much time has passed since the first try. */
  maxMs: number;
  /** First pause between tries; each pause doubles, up to 5 s. */
  initialDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log?: Log;
  /** What is being written, for the log. */
  what?: string;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `write` again while Postgres is unreachable (a restart, a failover), for up to `maxMs`. Any
 * other error is thrown at once. For writes that must not be lost once the outside world has acted on
 * them, such as recording a delivery after the remote server's 250.
 */
export async function retryWhileUnavailable<T>(write: () => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? pause;
  const started = now();
  let delay = options.initialDelayMs ?? 250;
  for (let tries = 1; ; tries++) {
    try {
      return await write();
    } catch (err) {
      if (!isDatabaseUnavailable(err) || now() - started + delay > options.maxMs) throw err;
      options.log?.warn({ err: (err as Error).message, tries, retryInMs: delay, what: options.what }, 'Postgres unavailable; retrying the write');
      await sleep(delay);
      delay = Math.min(delay * 2, 5_000);
    }
  }
}
