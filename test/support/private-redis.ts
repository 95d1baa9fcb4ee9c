import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './herald-process.ts';
import { waitFor } from './wait-for.ts';

export interface PrivateRedis {
  url: string;
  /** FLUSHALL: every key gone, as after a restart without persistence. */
  flushAll(): Promise<void>;
  /** Stops the server (SIGKILL): clients see connection errors until start(). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty (nothing happens while it is running). */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** A redis-server of the test's own on a free loopback port, without persistence, noeviction unless told. */
export async function startPrivateRedis(options: { maxmemoryPolicy?: string } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const ping = async () => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } finally {
      client.disconnect();
    }
  };
  const start = async () => {
    // already running: a second server on the same port would fail to bind, and the first would leak
    if (child && child.exitCode === null) return;
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', options.maxmemoryPolicy ?? 'noeviction'], {
      stdio: 'ignore',
    });
    await waitFor('the private Redis to answer', ping, 10_000, 100);
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url,
    async flushAll() {
      const client = new Redis(url);
      await client.flushall();
      client.disconnect();
    },
    stop,
    start,
    destroy: stop,
  };
}
