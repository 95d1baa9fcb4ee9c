import type pg from 'pg';
import { listPartitions } from './partition-catalog.ts';
import { ident, inDdlTransaction, isLockTimeout } from './partition-ddl.ts';
import type { PartitionedTable } from './partitioned-tables.ts';
import { boundTime } from './periods.ts';

export interface DropResult {
  dropped: string[];
  /** Rows of dropped partitions that had to stay (moved to the default partition), per partition. */
  kept: Record<string, number>;
  /** The partition whose lock was not granted in time (the table's others wait too): the next run tries again. */
  deferred: string[];
}

/**
 * The rows of a partition about to be dropped that must stay (content a message still being sent
 * needs, a webhook still pending): an INSERT … SELECT from `partition` into the parent table, which
 * sends them to the default partition once the partition is detached. Given the range it held.
 */
export type KeepRows = (client: pg.ClientBase, partition: string, range: { from: string | null; to: string }) => Promise<number>;

/**
 * Drops every partition of `spec.table` whose whole range is older than `before`: detached and
 * dropped in one short transaction (no row is deleted one by one, nothing is vacuumed after it). The
 * partition left over from before partitioning (from MINVALUE) goes the same way once its upper bound
 * is past. Rows `keep` names are first moved to the default partition, in the same transaction.
 */
export async function dropExpiredPartitions(client: pg.ClientBase, spec: PartitionedTable, before: Date, keep?: KeepRows): Promise<DropResult> {
  const result: DropResult = { dropped: [], kept: {}, deferred: [] };
  for (const partition of await listPartitions(client, spec.table)) {
    const end = partition.to === null ? null : boundTime(partition.to);
    if (partition.isDefault || !end || end.getTime() > before.getTime()) continue;
    try {
      await inDdlTransaction(client, async () => {
        await client.query(`ALTER TABLE ${ident(spec.table)} DETACH PARTITION ${ident(partition.name)}`);
        const kept = keep ? await keep(client, partition.name, { from: partition.from, to: partition.to as string }) : 0;
        if (kept > 0) result.kept[partition.name] = kept;
        await client.query(`DROP TABLE ${ident(partition.name)}`);
      });
      result.dropped.push(partition.name);
    } catch (err) {
      if (!isLockTimeout(err)) throw err;
      // the table is busy: its other partitions would wait as long; the next run tries again
      result.deferred.push(partition.name);
      break;
    }
  }
  return result;
}
