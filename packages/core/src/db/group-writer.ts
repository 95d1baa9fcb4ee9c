import { metrics } from '../metrics/registry.ts';
import { isDatabaseUnavailable } from './unavailable.ts';

export interface GroupWriter<T, R = void> {
  /** Resolves once `item` is written (committed) — with its result, for a read — and rejects if that failed. */
  write(item: T): Promise<R>;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export interface GroupLimits<T> {
  /** Most items in one group (default 100). */
  maxBatch?: number;
  /** Most total weight in one group (an item heavier than this still goes, alone). */
  maxWeight?: number;
  weight?: (item: T) => number;
  /**
   * Whether a group's failure may be one item's fault, so that each item is tried alone (default: any
   * failure but Postgres being unreachable, which tried item by item would only fail slower). A group
   * read passes `() => false`: a read fails for all its items or for none.
   */
  isolate?: (err: unknown) => boolean;
  /** Names the writer in herald_db_group_size (each group's size is observed); absent: not observed. */
  name?: string;
  /**
   * How long an item that finds the writer idle, and alone, waits for others before its group starts
   * (default 0), when the item before it came less than that long ago: items arriving one at a time
   * at a steady rate then go through a lookup together, and stay together in the stages after it
   * (see below), while an item after a quiet spell is written at once.
   */
  gatherMs?: number;
}

/**
 * Group commit: an item that arrives while no write is under way is written on the next turn of the
 * event loop, with every item written in the same turn (callers that a group before answered together
 * reach the next stage together, and stay one group there); items that arrive while a write is under
 * way wait and are written together by the next call of `writeMany` (at most `maxBatch` at a time,
 * and at most `maxWeight` together). When a group fails (for a reason `isolate` says may be
 * one item's), each of its items is written alone, so one bad item fails only its own caller. On a machine where each round trip to Postgres is
 * dear, this turns one statement per caller into one per group.
 *
 * The same works for reads ("group reads"): `writeMany` then answers one result per item, in order.
 */
export function createGroupWriter<T, R = void>(writeMany: (items: T[]) => Promise<R[] | void>, limits: GroupLimits<T> | number = {}): GroupWriter<T, R> {
  const { maxBatch = 100, maxWeight = Infinity, weight = () => 0, isolate = (err: unknown) => !isDatabaseUnavailable(err), name, gatherMs = 0 } =
    typeof limits === 'number' ? { maxBatch: limits } : limits;
  const waiting: Pending<T, R>[] = [];
  let writing = false;
  // when the last two items arrived (gatherMs: another is likely soon when they came close together)
  let lastArrival = -Infinity;
  let arrivalGap = Infinity;

  const settle = async (group: Pending<T, R>[]) => {
    try {
      const results = await writeMany(group.map((p) => p.item));
      group.forEach((p, i) => p.resolve((results ? results[i] : undefined) as R));
    } catch (err) {
      if (group.length === 1 || !isolate(err)) {
        for (const p of group) p.reject(err);
        return;
      }
      for (const p of group) await settle([p]);
    }
  };

  const nextGroup = (): Pending<T, R>[] => {
    let count = 0;
    let total = 0;
    while (count < waiting.length && count < maxBatch) {
      const w = weight((waiting[count] as Pending<T, R>).item);
      if (count > 0 && total + w > maxWeight) break;
      total += w;
      count++;
    }
    return waiting.splice(0, count);
  };

  const drain = async () => {
    if (gatherMs > 0 && waiting.length === 1 && arrivalGap < gatherMs) await new Promise((resolve) => setTimeout(resolve, gatherMs));
    while (waiting.length > 0) {
      const group = nextGroup();
      if (name) metrics().groupSize.observe({ writer: name }, group.length);
      await settle(group);
    }
    writing = false;
  };

  return {
    write(item) {
      return new Promise<R>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        if (gatherMs > 0) {
          const now = performance.now();
          arrivalGap = now - lastArrival;
          lastArrival = now;
        }
        if (!writing) {
          writing = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}
