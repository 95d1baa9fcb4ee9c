import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { MAINTENANCE_QUEUE, PARTITIONS_EVERY_MS, RETENTION_EVERY_MS, scheduleMaintenance } from './maintenance-worker.ts';

const MINUTE = 60_000;

describe('the maintenance schedules', () => {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queues: Queue[] = [];
  afterAll(async () => {
    for (const queue of queues) await queue.obliterate({ force: true });
    await Promise.all(queues.map((q) => q.close()));
    redis.disconnect();
  });

  const queue = () => {
    const q = new Queue(MAINTENANCE_QUEUE, { connection: redis, prefix: uniquePrefix('maintenance') });
    queues.push(q);
    return q;
  };
  const every = async (q: Queue, name: string) => (await q.getJobScheduler(name))?.every;

  it('re-checks domains at HERALD_DOMAIN_RECHECK_INTERVAL when it is shorter than 5 minutes', async () => {
    const q = queue();
    await scheduleMaintenance(q, 2 * MINUTE);
    expect(Number(await every(q, 'domain-recheck'))).toBe(2 * MINUTE);
    expect(Number(await every(q, 'retention'))).toBe(RETENTION_EVERY_MS);
    expect(Number(await every(q, 'partitions'))).toBe(PARTITIONS_EVERY_MS);
  });

  it('re-checks domains every 5 minutes when the interval is longer (rotations waiting for their record are looked at that often)', async () => {
    const q = queue();
    await scheduleMaintenance(q, 60 * MINUTE);
    expect(Number(await every(q, 'domain-recheck'))).toBe(5 * MINUTE);
  });

  it('takes a changed interval at start, but leaves existing schedules alone when only putting missing ones back', async () => {
    const q = queue();
    await scheduleMaintenance(q, 60 * MINUTE);
    await scheduleMaintenance(q, MINUTE, { onlyMissing: true });
    expect(Number(await every(q, 'domain-recheck'))).toBe(5 * MINUTE);
    await scheduleMaintenance(q, MINUTE);
    expect(Number(await every(q, 'domain-recheck'))).toBe(MINUTE);
  });
});
