import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { percentile, roundTenth } from './percentile.ts';

export interface FlushStats {
  /** Flushes made while the probe ran. */
  flushes: number;
  p50: number;
  p99: number;
  max: number;
  /** Flushes that took longer than 25 ms (the open loop's p99 target): each holds every commit waiting on it as long. */
  over25: number;
  /** Where the probe's file was, against Postgres' data directory. */
  disk: string;
}

export interface FlushProbe {
  stop(): Promise<FlushStats>;
}

// the child: 8 KB written and fdatasync'd every 10 ms (as a commit flushes its WAL), its latencies
// printed as JSON once its stdin closes; a process of its own, so that its blocking calls hold
// neither the load generator's event loop nor its CPU figure
const CHILD = `
const fs = require('node:fs');
const fd = fs.openSync(process.argv[1], 'w');
const block = Buffer.alloc(8192, 120);
const latencies = [];
let i = 0;
const timer = setInterval(() => {
  fs.writeSync(fd, block, 0, block.length, (i++ % 128) * block.length);
  const start = performance.now();
  fs.fdatasyncSync(fd);
  latencies.push(performance.now() - start);
}, 10);
process.stdin.on('end', () => { clearInterval(timer); fs.closeSync(fd); process.stdout.write(JSON.stringify(latencies)); });
process.stdin.resume();
`;

/**
 * The disk's flush latency, measured beside a phase: every commit Herald answers waits for Postgres
 * to flush its WAL (fdatasync), so a flush that stalls holds every request committing then. The file
 * is in the system's temporary directory; `disk` says whether that is the filesystem of Postgres'
 * WAL (its data directory asked of the server at `databaseUrl`).
 */
export async function startFlushProbe(databaseUrl: string): Promise<FlushProbe> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-flush-'));
  const disk = await sameDiskAsPostgres(databaseUrl, dir);
  const child = spawn(process.execPath, ['-e', CHILD, join(dir, 'probe')], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    async stop() {
      child.stdin.end();
      await exited;
      rmSync(dir, { recursive: true, force: true });
      const latencies = (JSON.parse(output || '[]') as number[]).sort((a, b) => a - b);
      return {
        flushes: latencies.length,
        p50: roundTenth(percentile(latencies, 50)),
        p99: roundTenth(percentile(latencies, 99)),
        max: roundTenth(latencies.at(-1) ?? 0),
        over25: latencies.filter((l) => l > 25).length,
        disk,
      };
    },
  };
}

async function sameDiskAsPostgres(databaseUrl: string, dir: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    const data = rows[0]?.data_directory ?? '';
    // the WAL's directory may be a link to a disk of its own; reading it needs the server's user or root
    let wal: { dev: number; name: string };
    try {
      wal = { dev: statSync(join(data, 'pg_wal')).dev, name: "Postgres' WAL" };
    } catch {
      wal = { dev: statSync(data).dev, name: "Postgres' data directory" };
    }
    return wal.dev === statSync(dir).dev ? `the disk of ${wal.name}` : `not the disk of ${wal.name} (${data})`;
  } catch (err) {
    return `a disk not compared with Postgres' (${(err as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}
