import type pg from 'pg';
import { listPartitions, type Partition } from './partition-catalog.ts';
import { boundLiteral, ident, inDdlTransaction, isLockTimeout } from './partition-ddl.ts';
import { PARTITIONED_TABLES, type PartitionedTable } from './partitioned-tables.ts';
import { idBound, nextPeriod, partitionName, periodStart } from './periods.ts';

export interface EnsureResult {
  created: string[];
  /** Intervals left to the default partition, and why (it already holds rows of them; a lock not granted in time). */
  skipped: { table: string; name: string; reason: string }[];
}

/**
 * Makes the partitions of the current interval and of `ahead` intervals after it (from `since` when
 * given), for every partitioned table. A new partition is made apart and then attached, which locks the parent only
 * against other DDL (SHARE UPDATE EXCLUSIVE), never against reads and writes; the default partition
 * is locked while Postgres checks that it holds no row of the new range. An interval the default
 * partition already holds rows of (Herald ran that long without making partitions ahead) is left to
 * it: its rows stay where they are, and retention removes them row by row.
 */
export async function ensurePartitions(
  client: pg.ClientBase, now: Date, options: { tables?: readonly PartitionedTable[]; since?: Date } = {},
): Promise<EnsureResult> {
  const result: EnsureResult = { created: [], skipped: [] };
  for (const spec of options.tables ?? PARTITIONED_TABLES) {
    const partitions = await listPartitions(client, spec.table);
    if (partitions.length === 0) continue; // not partitioned (yet): nothing to do
    const last = periodStart(now, spec.interval);
    for (let i = 0; i < spec.ahead; i++) last.setTime(nextPeriod(last, spec.interval).getTime());
    // from `since` (a database filled with past traffic, e.g. the scale bench's) or the current interval
    let start = periodStart(options.since ?? now, spec.interval);
    while (start.getTime() <= last.getTime()) {
      const end = nextPeriod(start, spec.interval);
      const name = partitionName(spec.table, start);
      const range = freeRange(partitions, idBound(spec.prefix, start), idBound(spec.prefix, end));
      if (range && !partitions.some((p) => p.name === name)) {
        const refused = await createPartition(client, spec, name, range, partitions.find((p) => p.isDefault));
        if (refused) result.skipped.push({ table: spec.table, name, reason: refused });
        else {
          result.created.push(name);
          partitions.push({ name, isDefault: false, ...range });
        }
      }
      start = end;
    }
  }
  return result;
}

/**
 * The part of [from, to) no partition holds yet, or null. Only the partition of the rows from before
 * partitioning (its lower bound MINVALUE, its upper bound where the conversion left off) can overlap an
 * interval: the interval then begins where it ends.
 */
export function freeRange(partitions: Partition[], from: string, to: string): { from: string; to: string } | null {
  let lower = from;
  let upper = to;
  for (const p of partitions) {
    if (p.isDefault) continue;
    const pFrom = p.from ?? '';
    const pTo = p.to;
    if (pTo !== null && pTo <= lower) continue;
    if (pFrom >= upper) continue;
    if (pFrom <= lower) lower = pTo ?? upper; // it covers the start: begin where it ends
    else upper = pFrom; // it starts inside: end where it begins
  }
  return lower < upper ? { from: lower, to: upper } : null;
}

/** Makes and attaches one partition; the reason it was not made, or null once it is. */
async function createPartition(
  client: pg.ClientBase, spec: PartitionedTable, name: string, range: { from: string; to: string }, fallback: Partition | undefined,
): Promise<string | null> {
  if (fallback) {
    const { rows } = await client.query<{ held: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${ident(fallback.name)} WHERE id >= $1 AND id < $2) AS held`, [range.from, range.to],
    );
    if (rows[0]?.held) return `the default partition ${fallback.name} already holds rows of this interval`;
  }
  try {
    await inDdlTransaction(client, async () => {
      await client.query(
        `CREATE TABLE ${ident(name)} (LIKE ${ident(spec.table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMPRESSION)` +
          (spec.storage ? ` WITH (${spec.storage})` : ''),
      );
      await client.query(`ALTER TABLE ${ident(spec.table)} ATTACH PARTITION ${ident(name)} FOR VALUES FROM (${boundLiteral(range.from)}) TO (${boundLiteral(range.to)})`);
    });
    // Not analyzed: a partition never analyzed is guessed at no fewer than ten pages, so a lookup in it
    // goes by index; analyzed while empty, it is taken for empty, and a plan cached then (a foreign
    // key's check, a prepared statement) scanned it whole for every row as it filled, until autovacuum
    // analyzed it again (never, with autovacuum off: the bench's batch accept fell from 8,000 to 140
    // messages/s). Autovacuum analyzes it once rows arrive, which replans what depends on it.
    return null;
  } catch (err) {
    if (isLockTimeout(err)) return 'lock not granted in time; the next run tries again';
    throw err;
  }
}
