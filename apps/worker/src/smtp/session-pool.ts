import type { SmtpSession } from './smtp-session.ts';

export interface SessionPool {
  /** An idle session for this key whose connection is still open, or null. */
  takeIdle(key: string): SmtpSession | null;
  /**
   * Gives a session back: handed at once to the delivery that has waited longest for this key
   * (waitFor), else kept for reuse while it is healthy, young and the pool has room; else closed.
   */
  release(key: string, session: SmtpSession): void;
  /**
   * A connection to `destination` this process is opening under its limit: counted from now (so that
   * deliveries meeting the limit meanwhile wait for it); `failed` uncounts it when no session came
   * (and wakes a delivery waiting for the destination, which may try again); `cancelled` uncounts it
   * when no slot was had (waking nobody: nothing was freed).
   */
  connecting(destination: string): { opened(session: SmtpSession): void; failed(): void; cancelled(): void };
  /** Connections to this destination (MX host) this process holds: being opened, in use or idle. */
  openTo(destination: string): number;
  /**
   * Waits, without polling anything, for a session of `key` another delivery of this process gives
   * back (it comes handed over, ready for the next transaction), or for a connection of `destination`
   * to close (a connection slot may be free: 'slot'); null after `ms` or when the pool closes.
   * Waiters are served in arrival order.
   */
  waitFor(key: string, destination: string, ms: number): Promise<SmtpSession | 'slot' | null>;
  /**
   * Another process gave a connection slot of `destination` back (freed-slots.ts): the delivery that
   * has waited longest for it is woken with 'slot' to try for it.
   */
  slotFreed(destination: string): void;
  /** Closes every idle session (QUIT) and wakes every waiter with null. */
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

interface Waiter {
  key: string;
  destination: string;
  wake: (handed: SmtpSession | 'slot' | null) => void;
}

/**
 * Reuses SMTP sessions to the same server for consecutive messages (one connection, many
 * transactions), bounded per destination. A session whose connection closed while idle is known to be
 * broken and is not handed out; one the server closed just as it was taken fails its next
 * transaction before any reply, which the caller retries on a new session (no RSET round trip per
 * message to find out). Deliveries that find their destination at its connection limit wait here
 * for a session this process gives back, which is handed from one delivery to the next back to back.
 */
export function createSessionPool(limits: PoolLimits = DEFAULT_POOL_LIMITS, onClose?: (session: SmtpSession) => void | Promise<void>): SessionPool {
  const idle = new Map<string, { session: SmtpSession; timer: NodeJS.Timeout }[]>();
  const open = new Map<string, number>();
  const counted = new WeakSet<SmtpSession>();
  let waiters: Waiter[] = [];
  const destinationOf = (session: SmtpSession) => session.options.serverName.toLowerCase();
  const take = (match: (w: Waiter) => boolean): Waiter | undefined => {
    const i = waiters.findIndex(match);
    return i < 0 ? undefined : waiters.splice(i, 1)[0];
  };
  const uncount = (destination: string, freed = true) => {
    const left = (open.get(destination) ?? 1) - 1;
    if (left > 0) open.set(destination, left);
    else open.delete(destination);
    // its connection slot is given back: the first delivery waiting for this destination may take it
    if (freed) take((w) => w.destination === destination)?.wake('slot');
  };
  // the connection is closed first, then its slot given back (onClose) and a waiter woken: a
  // connection still closing and its successor are never open at once beyond the limit
  const close = (session: SmtpSession) => {
    const destination = counted.delete(session) ? destinationOf(session) : null;
    void session
      .quit()
      .catch(() => undefined)
      .then(() => onClose?.(session))
      .catch(() => undefined)
      .then(() => {
        if (destination) uncount(destination);
      });
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
      if (worn(session)) {
        close(session);
        return;
      }
      const waiter = take((w) => w.key === key);
      if (waiter) {
        waiter.wake(session);
        return;
      }
      const list = idle.get(key) ?? [];
      if (list.length >= limits.maxIdlePerKey) {
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
    connecting(name) {
      const destination = name.toLowerCase();
      open.set(destination, (open.get(destination) ?? 0) + 1);
      return {
        opened: (session) => void counted.add(session),
        failed: () => uncount(destination),
        cancelled: () => uncount(destination, false),
      };
    },
    openTo: (destination) => open.get(destination.toLowerCase()) ?? 0,
    waitFor(key, destination, ms) {
      return new Promise((resolve) => {
        const waiter: Waiter = {
          key,
          destination: destination.toLowerCase(),
          wake: (handed) => {
            clearTimeout(timer);
            resolve(handed);
          },
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          resolve(null);
        }, ms);
        timer.unref();
        waiters.push(waiter);
      });
    },
    slotFreed(name) {
      const destination = name.toLowerCase();
      take((w) => w.destination === destination)?.wake('slot');
    },
    async closeAll() {
      const all = [...idle.values()].flat();
      idle.clear();
      for (const waiter of waiters.splice(0)) waiter.wake(null);
      for (const entry of all) clearTimeout(entry.timer);
      await Promise.all(
        all.map(async (entry) => {
          counted.delete(entry.session);
          await entry.session.quit();
          await onClose?.(entry.session);
        }),
      );
      open.clear();
    },
    idle: (key) => idle.get(key)?.length ?? 0,
  };
}
