import type { RateLimit, RateLimiter } from './rate-limiter.ts';

/** Failed sign-ins a client may make per hour: all at once, then one more each time one ages out (3600 / n s). */
export function signInLimit(failuresPerHour: number): RateLimit {
  return { perSecond: failuresPerHour / 3600, burst: failuresPerHour };
}

export interface SignInThrottle {
  /** Before the credentials are checked: 0 when the client may try, else the whole seconds until it may. */
  waitFor(client: string): Promise<number>;
  /** After a failed sign-in: counts it against the client; answers what waitFor would answer next. */
  failed(client: string): Promise<number>;
}

/**
 * Failed sign-ins (a bad API key or admin token), limited per client address in the shared rate
 * limiter (Redis, so the limit holds across every API process): a client that has failed
 * `failuresPerHour` times is refused — before its credentials are even looked at — until enough of its
 * failures have aged out. Successful sign-ins count nothing. There is no bucket per key prefix: a
 * prefix is chosen by whoever types it, so such a bucket would let anyone lock a key's owner out,
 * and an API key's 32 random bytes are out of reach of guessing anyway; the admin token is the
 * guessable secret, and it has no prefix.
 */
export function createSignInThrottle(limiter: RateLimiter, failuresPerHour: number, scope = 'sign-in'): SignInThrottle {
  const limit = signInLimit(failuresPerHour);
  const key = (client: string) => `${scope}:client:${client}`;
  const seconds = (ms: number) => (ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0);
  const waitFor = async (client: string) => {
    const result = await limiter.peek(key(client), limit);
    return result.allowed ? 0 : seconds(result.retryAfterMs);
  };
  return {
    waitFor,
    async failed(client) {
      await limiter.take(key(client), limit);
      return waitFor(client);
    },
  };
}
