import { rollupCtes, ROLLUP_EVENT_COLUMNS } from './rollup-sql.ts';

const ROLLUP_TABLES = ['stats_hourly', 'stats_latency_hourly', 'stats_recipient_domains_hourly', 'stats_bounce_reasons_hourly'] as const;

/** One connection (a pg Client, or a client checked out of a pool): the rebuild is one transaction on it. */
interface Connection {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** The migration that created the rollups: `herald migrate` rebuilds them from the events once it is applied. */
export const STATS_MIGRATION = '20261204010000_stats';

/**
 * Recomputes the hourly rollups from the events table, for one project or all, in one transaction:
 * what `herald stats rebuild` runs, and what `herald migrate` runs once when it creates the rollup
 * tables, so that a database upgraded from an earlier Herald has statistics for the events it kept.
 * The rollups are kept up to date as events are written; events retention already removed are not
 * counted again, so a rebuild loses the statistics of those.
 */
export async function rebuildStats(connection: Connection, projectId: string | null = null): Promise<void> {
  await connection.query('BEGIN');
  try {
    for (const table of ROLLUP_TABLES) await connection.query(`DELETE FROM ${table} WHERE $1::text IS NULL OR project_id = $1`, [projectId]);
    await connection.query(
      `WITH e AS (SELECT ${ROLLUP_EVENT_COLUMNS} FROM events WHERE $1::text IS NULL OR project_id = $1)${rollupCtes('e', 'messages')} SELECT 1`,
      [projectId],
    );
    await connection.query('COMMIT');
  } catch (err) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
