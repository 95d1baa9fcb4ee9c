import type { Log } from '@herald/core';
import type { DestinationLimits, HeldSlot } from './destination-limits.ts';

/** How many renewals fit in one lease: two may fail (a Redis hiccup, a busy event loop) before a slot lapses. */
const RENEWALS_PER_LEASE = 3;

export interface RenewedLimits extends DestinationLimits {
  /** Renews every slot this worker holds now, in one Redis call (the timer does so every third of the lease). */
  renewHeld(): Promise<void>;
  /** Slots this worker holds now. */
  held(): number;
  /** Stops renewing and saying this worker runs (at shutdown, once every session is closed): slots still held then lapse, as a dead worker's do. */
  stop(): void;
}

/**
 * Keeps this worker's connection slots alive. A slot is held from acquireSlot until releaseSlot (the
 * session pool releases it when it closes the session), and all that time it is renewed every third
 * of `leaseMs`: while its session sends a message however long the transfer takes, and while the
 * session waits idle in the pool. A worker that dies renews nothing, so its slots free themselves
 * within `leaseMs` and the other workers can use the destination fully again.
 *
 * It also says, every `limits.shareEveryMs` from the start, that this worker is running, so that every
 * running worker counts in the connection shares, also one that has not delivered for a while. Counted
 * only while delivering, a worker back from a quiet spell read itself alone and opened a destination's
 * whole limit, and another worker's deliveries there waited for a slot until those connections closed
 * (5 s idle) and then went back to the queue for 3 s more: measured, the last messages of a burst to
 * one destination after 15 s of quiet arrived 8 s after the rest.
 */
export function renewHeldSlots(limits: DestinationLimits, options: { leaseMs: number; log: Log }): RenewedLimits {
  const held = new Map<string, string>(); // lease → destination
  let running: Promise<void> | null = null;

  const renewHeld = async () => {
    const slots: HeldSlot[] = [...held].map(([lease, destination]) => ({ destination, lease }));
    if (slots.length === 0) return;
    try {
      const lost = await limits.renewSlots(slots);
      for (const slot of lost) held.delete(slot.lease);
      if (lost.length > 0) {
        options.log.warn(
          { destinations: [...new Set(lost.map((s) => s.destination))], slots: lost.length },
          'connection slots lapsed before they were renewed (was this worker paused?); their connections go uncounted until they close',
        );
      }
    } catch (err) {
      options.log.warn({ err: (err as Error).message, slots: slots.length }, 'connection slots not renewed; trying again shortly');
    }
  };
  const timer = setInterval(() => {
    running ??= renewHeld().finally(() => (running = null));
  }, options.leaseMs / RENEWALS_PER_LEASE);
  timer.unref();
  // best effort: while Redis is away the last count stands (renewals warn of it), and a worker not heard
  // from for three intervals stops counting in the others' shares
  const beat = () => void limits.heartbeat().catch(() => undefined);
  const heartbeat = setInterval(beat, limits.shareEveryMs);
  heartbeat.unref();
  beat();

  return {
    async acquireSlot(destination) {
      const lease = await limits.acquireSlot(destination);
      if (lease) held.set(lease, destination);
      return lease;
    },
    releaseSlot(destination, lease) {
      held.delete(lease);
      return limits.releaseSlot(destination, lease);
    },
    renewSlots: (slots) => limits.renewSlots(slots),
    connectionShare: () => limits.connectionShare(),
    heartbeat: () => limits.heartbeat(),
    shareEveryMs: limits.shareEveryMs,
    leave: () => {
      clearInterval(heartbeat);
      return limits.leave();
    },
    backedOffUntil: (destination) => limits.backedOffUntil(destination),
    throttled: (destination) => limits.throttled(destination),
    recovered: (destination) => limits.recovered(destination),
    renewHeld,
    held: () => held.size,
    stop: () => {
      clearInterval(timer);
      clearInterval(heartbeat);
    },
  };
}
