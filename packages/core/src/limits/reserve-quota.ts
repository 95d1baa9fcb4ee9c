import { HeraldError } from '../errors/registry.ts';
import { withTimeout } from '../with-timeout.ts';
import type { DailyQuota } from './daily-quota.ts';

/** Gives a reservation back; safe to call more than once (only the first call counts) and never rejects. */
export type ReleaseQuota = () => Promise<void>;

export interface ReserveOptions {
  /** Where a Redis failure is reported (request.log in a route). */
  log?: { warn(obj: object, msg: string): void };
  /** How long to wait for Redis before letting the send through (default 200 ms). */
  timeoutMs?: number;
}

const NOTHING_RESERVED: ReleaseQuota = async () => {};

/**
 * Reserves `recipients` against the project's daily quota (`limit` per UTC day; 0 or less: none) before
 * a send is committed. Over the quota it throws 429 quota_exceeded saying how much is used and when
 * the quota resets, and counts nothing. Otherwise it returns release(), to call when the send fails
 * before its commit, so that a refused or failed request does not use up the quota.
 *
 * When Redis fails or does not answer within `timeoutMs`, the send is let through uncounted and a
 * warning logged, like the rate limiter: the quota guards against runaway sending, while mail already
 * accepted is safe in Postgres and a Redis hiccup must not stop all sending.
 */
export async function reserveDailyQuota(
  quota: DailyQuota,
  projectId: string,
  recipients: number,
  limit: number,
  options: ReserveOptions = {},
): Promise<ReleaseQuota> {
  if (limit <= 0) return NOTHING_RESERVED;
  const timeoutMs = options.timeoutMs ?? 200;
  let reservation;
  try {
    reservation = await withTimeout(quota.reserve(projectId, recipients, limit), timeoutMs, 'the daily quota (Redis)');
  } catch (err) {
    if (err instanceof RangeError) throw err;
    options.log?.warn({ err: (err as Error).message, projectId }, 'daily quota unavailable: the send is let through uncounted');
    return NOTHING_RESERVED;
  }
  const { ok, used, resetsAt, day } = reservation;
  if (!ok) {
    const resets = resetsAt.toISOString();
    throw new HeraldError(
      'quota_exceeded',
      `the project's daily sending quota is used up: ${used} of ${limit} recipients used today, this request has ${recipients}; it resets at ${resets}`,
      { limit, used, resets_at: resets },
    );
  }
  let released = false;
  return async () => {
    if (released || recipients === 0) return;
    released = true;
    try {
      await withTimeout(quota.release(projectId, recipients, day), timeoutMs, 'the daily quota (Redis)');
    } catch (err) {
      options.log?.warn({ err: (err as Error).message, projectId, recipients }, 'daily quota: could not give a reservation back');
    }
  };
}
