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

/** A temporary directory for one Postgres server, a free loopback port, and Postgres's programs run on it. */
export interface PostgresFiles {
  port: number;
  dir: string;
  /** The data directory (inside `dir`; made by initdb or pg_basebackup). */
  data: string;
  /** Runs one of Postgres's programs (as the postgres user when the tests run as root: Postgres refuses root). */
  run(command: string, args: string[]): Buffer;
  runAsync(command: string, args: string[]): Promise<void>;
}

export async function postgresFiles(prefix: string): Promise<PostgresFiles> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o777);
  const asRoot = process.getuid?.() === 0;
  const argv = (command: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(BIN, command), ...args]] : [join(BIN, command), args];
  return {
    port,
    dir,
    data: join(dir, 'data'),
    run: (command, args) => execFileSync(...argv(command, args), { stdio: 'pipe', cwd: dir }),
    runAsync: async (command, args) => void (await promisify(execFile)(...argv(command, args), { cwd: dir })),
  };
}

/** Starts the server of `files` (pg_ctl, on its port, loopback only, no fsync) with `settings` added, and its controls. */
export function startServer(files: PostgresFiles, settings: string[] = []): PrivatePostgres {
  const options = [`-p ${files.port} -k ${files.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, ...settings.map((s) => `-c ${s}`)].join(' ');
  const startArgs = ['-D', files.data, '-o', options, '-l', join(files.dir, 'log'), '-w', '-t', '60', 'start'];
  files.run('pg_ctl', startArgs);
  return {
    port: files.port,
    url: (database) => `postgresql://postgres@127.0.0.1:${files.port}/${database}`,
    stop: () => files.runAsync('pg_ctl', ['-D', files.data, '-m', 'fast', '-w', 'stop']),
    start: () => files.runAsync('pg_ctl', startArgs),
    destroy() {
      try {
        files.run('pg_ctl', ['-D', files.data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      rmSync(files.dir, { recursive: true, force: true });
    },
  };
}

/**
 * A Postgres server of the test's own (initdb in a temporary directory, on a free loopback port), so
 * that a fault test can stop and restart it without touching the server other tests use.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const files = await postgresFiles('herald-pg-');
  files.run('initdb', ['-D', files.data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  return startServer(files, ['synchronous_commit=off']);
}
