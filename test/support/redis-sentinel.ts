import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './herald-process.ts';
import { waitFor } from './wait-for.ts';

const run = promisify(execFile);
const cliOn = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout;

export interface TestRedisSentinel {
  /** REDIS_URL for Herald: redis+sentinel:// with the three Sentinels and the master's name. */
  url: string;
  masterName: string;
  /** The port of the master the Sentinels name now. */
  master(): Promise<number>;
  /** SIGKILLs the redis-server on `port` (it stays down). */
  kill(port: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A master, its replica and three Sentinels (quorum 2) on loopback, all Debian's redis-server, from a
 * temp dir without persistence. A master that stops answering for a second is failed over.
 */
export async function startRedisSentinel(): Promise<TestRedisSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-redis-sentinel-'));
  const masterName = 'herald';
  const children = new Map<number, ChildProcess>();
  const stopOne = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  const stop = async () => {
    await Promise.all([...children.values()].map(stopOne));
    rmSync(dir, { recursive: true, force: true });
  };
  const server = (port: number, extra: string[]) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', ...extra], {
      stdio: 'ignore',
    });
    children.set(port, child);
  };
  try {
    const masterPort = await freePort();
    const replicaPort = await freePort();
    server(masterPort, []);
    server(replicaPort, ['--replicaof', '127.0.0.1', String(masterPort)]);
    await waitFor('the replica to copy its master', async () => (await cliOn(replicaPort, 'INFO', 'replication').catch(() => '')).includes('master_link_status:up'), 15_000, 100);
    const sentinelPorts = [await freePort(), await freePort(), await freePort()];
    for (const port of sentinelPorts) {
      const conf = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      const child = spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' });
      children.set(port, child);
    }
    // every Sentinel knows the replica and the other Sentinels (else it could not fail over)
    for (const port of sentinelPorts) {
      await waitFor(
        `Sentinel ${port} to know the replica and its peers`,
        async () => {
          const info = await cliOn(port, 'SENTINEL', 'MASTER', masterName).catch(() => '');
          const fields = info.trim().split('\n');
          const field = (name: string) => Number(fields[fields.indexOf(name) + 1]);
          return field('num-slaves') >= 1 && field('num-other-sentinels') >= 2;
        },
        20_000,
        100,
      );
    }
    const master = async () => {
      for (const port of sentinelPorts) {
        const answer = await cliOn(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName).catch(() => '');
        const masterPortNow = Number(answer.trim().split('\n')[1]);
        if (masterPortNow) return masterPortNow;
      }
      throw new Error('no Sentinel answers');
    };
    return {
      url: `redis+sentinel://${sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/${masterName}`,
      masterName,
      master,
      async kill(port) {
        const child = children.get(port);
        if (child) await stopOne(child);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
