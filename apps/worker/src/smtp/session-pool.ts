import type { SmtpSession } from './smtp-session.ts';

export interface SessionPool {
  /** An idle session for this key whose connection is still open, or null. */
  takeIdle(key: string): SmtpSession | null;
  /** Gives a session back: kept for reuse while it is healthy, young and the pool has room; else closed. */
  release(key: string, session: SmtpSession): void;
  /** Closes every idle session (QUIT). */
  closeAll(): Promise<void>;
  /** Idle sessions per key, for tests and metrics. */
  idle(key: string): number;
}

export interface PoolLimits {
  /** Idle sessions kept per destination. */
  maxIdlePerKey: number;
  /** An idle session is closed after this long unused. */
  idleMs: number;
  /** A session is closed after this many transactions or this age, whichever first. */
  maxTransactions: number;
  maxAgeMs: number;
}

export const DEFAULT_POOL_LIMITS: PoolLimits = { maxIdlePerKey: 4, idleMs: 5_000, maxTransactions: 100, maxAgeMs: 60_000 };

/**
 * Reuses SMTP sessions to the same server for consecutive messages (one connection, many
 * transactions), bounded per destination. A session whose connection closed while idle is known to be
 * broken and is not handed out; one the server closed just as it was taken fails its next
 * transaction before any reply, which the caller retries on a new session (no RSET round trip per
 * message to find out).
 */
export function createSessionPool(limits: PoolLimits = DEFAULT_POOL_LIMITS, onClose?: (session: SmtpSession) => void): SessionPool {
  const idle = new Map<string, { session: SmtpSession; timer: NodeJS.Timeout }[]>();
  const close = (session: SmtpSession) => {
    onClose?.(session);
    void session.quit();
  };
  const worn = (s: SmtpSession) =>
    s.broken || s.transactions >= limits.maxTransactions || Date.now() - s.openedAt >= limits.maxAgeMs;

  return {
    takeIdle(key) {
      const list = idle.get(key) ?? [];
      for (let entry = list.pop(); entry; entry = list.pop()) {
        clearTimeout(entry.timer);
        if (!worn(entry.session)) return entry.session;
        close(entry.session);
      }
      return null;
    },
    release(key, session) {
      const list = idle.get(key) ?? [];
      if (worn(session) || list.length >= limits.maxIdlePerKey) {
        close(session);
        return;
      }
      const timer = setTimeout(() => {
        const current = idle.get(key) ?? [];
        idle.set(key, current.filter((e) => e.session !== session));
        close(session);
      }, limits.idleMs);
      timer.unref();
      list.push({ session, timer });
      idle.set(key, list);
    },
    async closeAll() {
      const all = [...idle.values()].flat();
      idle.clear();
      for (const entry of all) clearTimeout(entry.timer);
      await Promise.all(
        all.map(async (entry) => {
          onClose?.(entry.session);
          await entry.session.quit();
        }),
      );
    },
    idle: (key) => idle.get(key)?.length ?? 0,
  };
}
