import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './herald-process.ts';
import { waitFor } from './wait-for.ts';

/** The Debian package's binary (in /usr/sbin, which a non-root PATH may lack). */
const PGBOUNCER = '/usr/sbin/pgbouncer';

export interface PrivatePgBouncer {
  port: number;
  /** The URL of `database` through this PgBouncer (same user as `upstream`). */
  url(database: string): string;
  /** What it logged so far. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * A PgBouncer of the test's own (the Debian package's) on a free loopback port, in front of the
 * Postgres of `upstream` (every database on it: `* = host=… port=…`), auth_type=trust, with a small
 * pool in transaction mode by default, so that a client's successive transactions really run on
 * different server connections. As root it drops to `nobody` (PgBouncer refuses to run as root);
 * its configuration sits in a temporary directory that user can read.
 */
export async function startPrivatePgBouncer(upstream: string, options: { poolMode?: 'session' | 'transaction'; poolSize?: number } = {}): Promise<PrivatePgBouncer> {
  const server = new URL(upstream);
  const user = decodeURIComponent(server.username || 'postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'herald-pgbouncer-'));
  chmodSync(dir, 0o755);
  const config = join(dir, 'pgbouncer.ini');
  writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`, { mode: 0o644 });
  writeFileSync(
    config,
    [
      '[databases]',
      `* = host=${server.hostname} port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `pool_mode = ${options.poolMode ?? 'transaction'}`,
      `default_pool_size = ${options.poolSize ?? 2}`,
      'max_client_conn = 500',
      // every connection is its own: statements cannot be carried over by luck of the pool's order
      'server_round_robin = 1',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'nobody'] : []), config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = (database: string) => `postgresql://${encodeURIComponent(user)}@127.0.0.1:${port}/${database}`;
  try {
    await waitFor('PgBouncer to answer', async () => {
      if (child.exitCode !== null) throw new Error(`pgbouncer exited ${child.exitCode}:\n${output}`);
      const client = new pg.Client({ connectionString: url(server.pathname.slice(1) || 'postgres') });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.query('SELECT 1 AS one')).rows.length === 1;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, 15_000, 100);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
