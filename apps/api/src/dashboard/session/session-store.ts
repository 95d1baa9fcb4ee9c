import type { RedisClient } from '@herald/core';
import { createHash, randomBytes } from 'node:crypto';

/** Who a dashboard session acts as: an API key (by its hash), or the admin with the project chosen. */
export type SessionPrincipal =
  | { kind: 'key'; keyHash: string; keyPrefix: string }
  | { kind: 'admin'; tokenHash: string; projectId: string | null };

export interface SessionData {
  principal: SessionPrincipal;
  /** The token every state-changing form of this session carries. */
  csrf: string;
  createdAt: number;
  expiresAt: number;
}

export interface SessionStore {
  /** A new session: its id (the cookie's value, never stored as it is) and its data. */
  create(principal: SessionPrincipal, now?: number): Promise<{ id: string; data: SessionData }>;
  get(id: string, now?: number): Promise<SessionData | null>;
  update(id: string, data: SessionData): Promise<void>;
  destroy(id: string): Promise<void>;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Sessions in Redis, under the SHA-256 of their id (a read of Redis gives nobody a usable cookie),
 * expiring with Redis's own TTL at an absolute time: `ttlMs` after sign-in, however busy.
 */
export function createSessionStore(redis: RedisClient, prefix: string, ttlMs: number): SessionStore {
  const keyOf = (id: string) => `${prefix}:dashboard:session:${createHash('sha256').update(id).digest('base64url')}`;
  return {
    async create(principal, now = Date.now()) {
      const id = randomBytes(32).toString('base64url');
      const data: SessionData = { principal, csrf: randomBytes(32).toString('base64url'), createdAt: now, expiresAt: now + ttlMs };
      await redis.set(keyOf(id), JSON.stringify(data), 'PX', ttlMs);
      return { id, data };
    },
    async get(id, now = Date.now()) {
      if (!ID_PATTERN.test(id)) return null;
      const stored = await redis.get(keyOf(id));
      if (!stored) return null;
      const data = JSON.parse(stored) as SessionData;
      return data.expiresAt > now ? data : null;
    },
    async update(id, data) {
      const left = data.expiresAt - Date.now();
      if (left > 0) await redis.set(keyOf(id), JSON.stringify(data), 'PX', left);
    },
    async destroy(id) {
      if (ID_PATTERN.test(id)) await redis.del(keyOf(id));
    },
  };
}
