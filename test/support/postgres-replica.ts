import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { postgresFiles, startServer, type PrivatePostgres } from './private-postgres.ts';

export interface PostgresReplica extends PrivatePostgres {
  /** SELECT pg_wal_replay_pause() / pg_wal_replay_resume() on the replica: it keeps receiving WAL but applies none of it. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
  /** Waits until the replica has applied everything the primary has written so far (its insert position: the test primary commits asynchronously, so a commit may not be written out yet). */
  caughtUp(): Promise<void>;
}

/**
 * A streaming replica of a private Postgres (test/support/private-postgres.ts: initdb's defaults
 * already have wal_level=replica, max_wal_senders=10 and a trusted `host replication` entry for
 * 127.0.0.1): pg_basebackup -R into a temporary directory, then pg_ctl start on a free loopback port,
 * as the postgres user when the tests run as root.
 */
export async function startReplica(primary: PrivatePostgres): Promise<PostgresReplica> {
  const files = await postgresFiles('herald-pg-replica-');
  // -R writes standby.signal and primary_conninfo; -X stream copies the WAL written meanwhile
  files.run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', files.data, '-R', '-X', 'stream', '--no-sync', '-c', 'fast']);
  // the copied configuration names no port (the primary's came on its command line); hot standby is the default
  appendFileSync(join(files.data, 'postgresql.conf'), '\nhot_standby = on\n');
  const server = startServer(files);
  const url = (database: string) => server.url(database);
  const onServer = async <T>(serverUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  };
  return {
    ...server,
    pauseReplay: () => onServer(url('postgres'), async (c) => void (await c.query('SELECT pg_wal_replay_pause()'))),
    resumeReplay: () => onServer(url('postgres'), async (c) => void (await c.query('SELECT pg_wal_replay_resume()'))),
    async caughtUp() {
      const target = await onServer(primary.url('postgres'), async (c) => (await c.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn')).rows[0]!.lsn);
      const deadline = Date.now() + 30_000;
      for (;;) {
        const done = await onServer(url('postgres'), async (c) => (await c.query<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [target])).rows[0]!.done);
        if (done) return;
        if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${target} within 30s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
