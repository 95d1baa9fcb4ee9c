import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './herald-process.ts';
import { waitFor } from './wait-for.ts';

const run = promisify(execFile);

/** One redis-server of the cluster. */
export interface ClusterNodeProcess {
  port: number;
  child: ChildProcess;
}

export interface TestRedisCluster {
  /** REDIS_URL for Herald: redis+cluster:// with every node's address. */
  url: string;
  nodes: ClusterNodeProcess[];
  /** `redis-cli -p <port> <args…>` on a live node (the first one answering). */
  cli(...args: string[]): Promise<string>;
  /** The port of the master serving `slot` now. */
  masterOf(slot: number): Promise<number>;
  /** SIGKILLs the node on `port` (it stays down). */
  kill(port: number): Promise<void>;
  /** The port of a replica of the master on `port`. */
  replicaOf(port: number): Promise<number>;
  /** SIGSTOPs (true) or SIGCONTs (false) the node on `port`: stopped, a replica copies nothing. */
  freeze(port: number, frozen: boolean): void;
  /** Waits until every live node reports cluster_state:ok and `slot` is served by a live master. */
  waitHealthy(slot?: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster on loopback: six redis-server processes (Debian's binary) from a temp dir,
 * without persistence, joined by `redis-cli --cluster create … --cluster-replicas 1` into three
 * masters with one replica each. A short cluster-node-timeout (1 s) makes a killed master's replica
 * take over within a few seconds.
 */
export async function startRedisCluster(): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-redis-cluster-'));
  const nodes: ClusterNodeProcess[] = [];
  const dead = new Set<number>();
  const stop = async () => {
    await Promise.all(
      nodes.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  const cliOn = async (port: number, ...args: string[]) => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 })).stdout;
  try {
    for (let i = 0; i < 6; i++) {
      const port = await freePort();
      let busPort = await freePort();
      while (busPort === port) busPort = await freePort();
      // prettier-ignore
      const child = spawn('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-port', String(busPort),
        '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '1000', '--cluster-replica-validity-factor', '0',
        '--dir', dir, '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', '--protected-mode', 'no',
      ], { stdio: 'ignore' });
      nodes.push({ port, child });
    }
    for (const { port } of nodes) await waitFor(`redis-server on ${port}`, async () => (await cliOn(port, 'PING').catch(() => '')).includes('PONG'), 10_000, 50);
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30_000 });
  } catch (err) {
    await stop();
    throw err;
  }

  const live = () => nodes.filter((n) => !dead.has(n.port));
  const cli = async (...args: string[]) => {
    let last: unknown;
    for (const { port } of live()) {
      try {
        return await cliOn(port, ...args);
      } catch (err) {
        last = err;
      }
    }
    throw last as Error;
  };
  /** CLUSTER NODES as one live node sees it: port, role flags and slot ranges of each node. */
  const clusterNodes = async () =>
    (await cli('CLUSTER', 'NODES'))
      .trim()
      .split('\n')
      .map((line) => {
        const [id, address, flags, master, , , , link, ...slots] = line.split(' ');
        return { id, port: Number(/:(\d+)@/.exec(address ?? '')?.[1]), flags: (flags ?? '').split(','), master, link, slots };
      });
  const masterOf = async (slot: number) => {
    for (const node of await clusterNodes()) {
      if (!node.flags.includes('master') || node.flags.includes('fail') || node.flags.includes('fail?')) continue;
      for (const range of node.slots) {
        const [from, to = from] = range.split('-').map(Number) as [number, number?];
        if (slot >= from && slot <= to) return node.port;
      }
    }
    throw new Error(`no live master serves slot ${slot}`);
  };
  const waitHealthy = async (slot?: number, timeoutMs = 30_000) => {
    await waitFor(
      'the Redis Cluster to be ok',
      async () => {
        for (const { port } of live()) {
          const info = await cliOn(port, 'CLUSTER', 'INFO').catch(() => '');
          if (!info.includes('cluster_state:ok')) return false;
        }
        if (slot !== undefined) await masterOf(slot);
        // every replica has copied its master (a kill before that would lose the cluster's data)
        for (const { port } of live()) {
          const replication = await cliOn(port, 'INFO', 'replication').catch(() => '');
          if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
        }
        return true;
      },
      timeoutMs,
      100,
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await cli('CLUSTER', 'NODES').catch(() => '')}`);
    });
  };
  await waitHealthy(undefined, 30_000);
  return {
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    nodes,
    cli,
    masterOf,
    async kill(port) {
      const node = nodes.find((n) => n.port === port);
      if (!node) throw new Error(`no node on ${port}`);
      dead.add(port);
      const exited = new Promise((resolve) => node.child.once('exit', resolve));
      node.child.kill('SIGKILL');
      await exited;
    },
    async replicaOf(port) {
      const nodesNow = await clusterNodes();
      const master = nodesNow.find((n) => n.port === port);
      const replica = nodesNow.find((n) => n.master === master?.id && !dead.has(n.port));
      if (!replica) throw new Error(`no replica of ${port}`);
      return replica.port;
    },
    freeze(port, frozen) {
      nodes.find((n) => n.port === port)?.child.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
    },
    waitHealthy,
    stop,
  };
}
