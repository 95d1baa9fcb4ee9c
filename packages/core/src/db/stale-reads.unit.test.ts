import { describe, expect, it } from 'vitest';
import type { Db } from './client.ts';
import { createStaleReads } from './stale-reads.ts';
import { DatabaseUnavailableError } from './unavailable.ts';

/** Two stand-ins for Prisma clients: only their identity matters to the router. */
const primary = { name: 'primary' } as unknown as Db;
const replica = { name: 'replica' } as unknown as Db;
const nameOf = (db: Db) => (db as unknown as { name: string }).name;

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('stale reads', () => {
  it('reads from the primary when no replica is set (or the replica is the primary)', async () => {
    for (const reads of [createStaleReads(primary, undefined), createStaleReads(primary, primary)]) {
      expect(reads.replicated).toBe(false);
      expect(await reads.read(async (db) => nameOf(db))).toBe('primary');
    }
  });

  it('reads from the replica while it answers', async () => {
    const reads = createStaleReads(primary, replica);
    expect(reads.replicated).toBe(true);
    expect(await reads.read(async (db) => nameOf(db))).toBe('replica');
  });

  it('runs a read again on the primary when the replica cannot be reached, leaves the replica alone for the retry period, then tries it again', async () => {
    const time = clock();
    const reads = createStaleReads(primary, replica, { retryAfterMs: 5_000, now: time.now });
    let replicaDown = true;
    const tried: string[] = [];
    const read = async (db: Db) => {
      tried.push(nameOf(db));
      if (db === replica && replicaDown) throw new DatabaseUnavailableError(new Error('connect ECONNREFUSED 127.0.0.1:5433'));
      return nameOf(db);
    };
    expect(await reads.read(read)).toBe('primary');
    expect(tried).toEqual(['replica', 'primary']);
    tried.length = 0;
    replicaDown = false;
    time.advance(4_999);
    expect(await reads.read(read)).toBe('primary');
    expect(tried).toEqual(['primary']);
    time.advance(1);
    expect(await reads.read(read)).toBe('replica');
  });

  it('runs a read again on the primary when the replica cancels it for a conflict with recovery', async () => {
    const reads = createStaleReads(primary, replica);
    const conflict = Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' });
    // as Prisma reports it: the driver's error inside meta.driverAdapterError
    const wrapped = Object.assign(new Error('Invalid query'), { meta: { driverAdapterError: { cause: conflict } } });
    expect(await reads.read(async (db) => (db === replica ? Promise.reject(wrapped) : nameOf(db)))).toBe('primary');
  });

  it('never hides any other error by asking the primary', async () => {
    const reads = createStaleReads(primary, replica);
    const tried: string[] = [];
    const failing = async (db: Db): Promise<never> => {
      tried.push(nameOf(db));
      throw new Error('cannot execute UPDATE in a read-only transaction');
    };
    await expect(reads.read(failing)).rejects.toThrow(/read-only transaction/);
    expect(tried).toEqual(['replica']);
  });

  it('with confirmMiss, asks the primary when the replica has nothing, and only then', async () => {
    const reads = createStaleReads(primary, replica);
    const rows: Record<string, string[] | null> = { replica: null, primary: ['queued'] };
    expect(await reads.read(async (db) => rows[nameOf(db)] ?? null, { confirmMiss: true })).toEqual(['queued']);
    expect(await reads.read(async (db) => rows[nameOf(db)] ?? null)).toBeNull();
    rows.replica = [];
    expect(await reads.read(async (db) => rows[nameOf(db)] ?? null, { confirmMiss: true })).toEqual([]);
  });
});
