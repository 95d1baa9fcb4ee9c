import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './herald-process.ts';

const BIN = process.env.HERALD_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PrivatePostgres {
  port: number;
  /** A database URL on this server (the database is created by `herald migrate`). */
  url(database: string): string;
  /**
   * pg_ctl stop -m fast: every connection is cut, as in a restart. Asynchronous on purpose: a test
   * process that blocks stops reading its children's output, their log writes to the full pipe block,
   * and a worker frozen that way loses its job locks.
   */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and deletes its files. */
  destroy(): void;
}

/**
 * A Postgres server of the test's own (initdb in a temporary directory, on a free loopback port), so
 * that a fault test can stop and restart it without touching the server other tests use. Runs as the
 * postgres user when the tests run as root (Postgres refuses to run as root).
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'herald-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const argv = (command: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(BIN, command), ...args]] : [join(BIN, command), args];
  const run = (command: string, args: string[]) => execFileSync(...argv(command, args), { stdio: 'pipe', cwd: dir });
  const runAsync = async (command: string, args: string[]) => void (await promisify(execFile)(...argv(command, args), { cwd: dir }));
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`;
  const startArgs = ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start'];
  run('pg_ctl', startArgs);
  return {
    port,
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    stop: () => runAsync('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']),
    start: () => runAsync('pg_ctl', startArgs),
    destroy() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
