import type { RedisClient } from '@herald/core';
import { z } from 'zod';
import type { Policy } from './mta-sts-policy.ts';

/** A policy as fetched, with the TXT record id it was fetched under and when it stops being valid. */
export interface CachedPolicy {
  id: string;
  policy: Policy;
  /** Epoch milliseconds. */
  fetchedAt: number;
  /** Epoch milliseconds: fetchedAt + max_age. */
  expiresAt: number;
}

/** Where fetched policies are kept between deliveries; shared by every worker process. */
export interface PolicyCache {
  get(domain: string): Promise<CachedPolicy | null>;
  /** Keeps the entry for ttlSeconds (the policy's max_age); 0 or less removes any entry instead. */
  set(domain: string, entry: CachedPolicy, ttlSeconds: number): Promise<void>;
}

const cachedPolicySchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9]{1,32}$/),
  policy: z.object({
    version: z.literal('STSv1'),
    mode: z.enum(['enforce', 'testing', 'none']),
    mx: z.array(z.string()),
    maxAge: z.number().int().nonnegative(),
  }),
  fetchedAt: z.number(),
  expiresAt: z.number(),
});

/**
 * A PolicyCache in Redis, one JSON string per domain at `<prefix>:<domain>`, expiring with the
 * policy's max_age, so the cache holds across worker processes and restarts. An entry that does not
 * read back as a policy (written by another version, edited by hand) counts as absent.
 */
export function createRedisPolicyCache(redis: RedisClient, prefix: string): PolicyCache {
  const key = (domain: string) => `${prefix}:${domain}`;
  return {
    async get(domain) {
      const raw = await redis.get(key(domain));
      if (raw === null) return null;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return null;
      }
      const parsed = cachedPolicySchema.safeParse(value);
      return parsed.success ? parsed.data : null;
    },
    async set(domain, entry, ttlSeconds) {
      const ttl = Math.ceil(ttlSeconds);
      if (ttl <= 0) {
        await redis.del(key(domain));
        return;
      }
      await redis.set(key(domain), JSON.stringify(entry), 'EX', ttl);
    },
  };
}

/**
 * A PolicyCache that remembers what it read (a policy or its absence) in this process for `ttlMs`,
 * in front of a shared one: a worker sending to a domain with no MTA-STS policy asks Redis once per
 * interval instead of once per message. What this process writes is seen here at once; a policy
 * fetched by another worker is seen within `ttlMs`.
 */
export function memoPolicyCache(shared: PolicyCache, ttlMs: number, now: () => number = Date.now): PolicyCache {
  const memo = new Map<string, { entry: CachedPolicy | null; readAt: number }>();
  const remember = (domain: string, entry: CachedPolicy | null) => {
    memo.delete(domain);
    memo.set(domain, { entry, readAt: now() });
    if (memo.size > 10_000) memo.delete(memo.keys().next().value as string);
  };
  return {
    async get(domain) {
      const hit = memo.get(domain);
      if (hit && now() - hit.readAt < ttlMs) return hit.entry;
      const entry = await shared.get(domain);
      remember(domain, entry);
      return entry;
    },
    async set(domain, entry, ttlSeconds) {
      await shared.set(domain, entry, ttlSeconds);
      remember(domain, ttlSeconds > 0 ? entry : null);
    },
  };
}
