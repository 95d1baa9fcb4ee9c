import { ensurePartitions, pgPool, type Db, type EnsureResult, type Log } from '@herald/core';

export interface PartitionsAheadDeps {
  db: Db;
  clock: () => Date;
  log: Log;
}

/**
 * Makes the partitions of the coming intervals (packages/core/src/partitions): each table's current
 * interval and the ones after it, so that rows never wait for a partition. An interval left to the
 * default partition is an error to look at (docs/partitioning.md says what to do).
 */
export async function makePartitionsAhead(deps: PartitionsAheadDeps): Promise<EnsureResult> {
  const client = await pgPool(deps.db).connect();
  try {
    const result = await ensurePartitions(client, deps.clock());
    if (result.created.length) deps.log.info({ created: result.created }, 'partitions made ahead');
    for (const skipped of result.skipped) deps.log.error(skipped, 'partition not made; its rows go to the default partition');
    return result;
  } finally {
    client.release();
  }
}
