import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, queueKeyPrefix, type RedisClient } from '@herald/core';
import { uniquePrefix } from '../support/env.ts';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The cause of workers that stopped taking jobs after a cluster failover (docs/redis-cluster.md,
 * "Failover"): a blocking wait that outlasts its block time makes BullMQ reconnect the worker's
 * blocking client (disconnect, then connect); a connect() made while the cluster is down failed
 * ioredis' ready check, and ioredis then reconnected by itself but never settled that connect()'s
 * promise, on which the worker waited for ever. Here the cluster is held down on purpose: the master
 * of the queue's slot is killed while its replica is frozen, so nothing takes over until the test
 * thaws the replica.
 */
describe('Herald\'s Redis clients while a cluster master fails over', () => {
  let cluster: TestRedisCluster;
  let client: RedisClient;
  const prefix = uniquePrefix('crecon');

  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = createRedis(cluster.url);
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  /** Kills the master of `key`'s slot with its replica frozen; returns a function that thaws the replica and waits until it serves the slot. */
  const holdDown = async (key: string) => {
    const slot = Number((await cluster.cli('CLUSTER', 'KEYSLOT', key)).trim());
    const master = await cluster.masterOf(slot);
    const replica = await cluster.replicaOf(master);
    cluster.freeze(replica, true);
    await cluster.kill(master);
    // the live nodes mark the master failed after cluster-node-timeout (1 s): cluster_state:fail
    await waitFor('the cluster to notice the dead master', async () => (await cluster.cli('CLUSTER', 'INFO')).includes('cluster_state:fail'), 10_000, 100);
    return async () => {
      cluster.freeze(replica, false);
      await cluster.waitHealthy(slot, 30_000);
      expect(await cluster.masterOf(slot)).toBe(replica);
    };
  };

  it('a worker idle in its blocking wait when the queue\'s master dies takes the jobs added after the failover', async () => {
    const connection = createRedis(cluster.url);
    const queue = new Queue('failover', { connection, prefix: queueKeyPrefix(connection, prefix) });
    const processed: string[] = [];
    // a 1 s block: the wait outlasts it (and BullMQ reconnects the blocking client) while the cluster is down
    const worker = new Worker(
      'failover',
      async (job) => {
        processed.push(String(job.id));
      },
      { connection, prefix: queueKeyPrefix(connection, prefix), drainDelay: 1 },
    );
    worker.on('error', () => undefined);
    try {
      await queue.add('before', {}, { jobId: 'before' });
      await waitFor('the job added before the failover', () => processed.includes('before'), 10_000);
      // the worker is idle in BZPOPMIN on the queue's master when it dies
      const thaw = await holdDown(`{${prefix}}`);
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await thaw();
      await queue.add('after', {}, { jobId: 'after' });
      await waitFor('the job added after the failover to be processed', () => processed.includes('after'), 20_000);
    } finally {
      await worker.close(true);
      await queue.close();
      connection.disconnect();
    }
  }, 90_000);

  it('a client reconnected while the cluster is down settles its connect() and serves again after the failover', async () => {
    // a hash tag on a master that still has its replica (the test above failed one over)
    let tag = '';
    for (let i = 0; !tag; i++) {
      const slot = Number((await cluster.cli('CLUSTER', 'KEYSLOT', `{${prefix}-${i}}`)).trim());
      if (await cluster.replicaOf(await cluster.masterOf(slot)).catch(() => null)) tag = `{${prefix}-${i}}`;
    }
    const thaw = await holdDown(tag);
    // what BullMQ does to a blocking client whose wait overran: disconnect, wait for the end, connect
    const ended = new Promise((resolve) => client.once('end', resolve));
    client.disconnect();
    await ended;
    let settled = false;
    const connecting = client.connect().then(
      () => (settled = true),
      () => (settled = true),
    );
    await waitFor('connect() to settle while the cluster is down', () => settled, 10_000);
    await thaw();
    await connecting;
    await client.set(`${tag}:after`, 'served');
    expect(await client.get(`${tag}:after`)).toBe('served');
  }, 90_000);
});
