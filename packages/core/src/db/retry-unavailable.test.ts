import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '@herald/test/support/env.ts';
import { createDb } from './orm.ts';
import { retryWhileUnavailable } from './retry-unavailable.ts';

describe('retryWhileUnavailable', () => {
  // a real Prisma client on a port nothing listens on: its errors are what an outage looks like
  const down = createDb('postgresql://postgres@127.0.0.1:9/none', { poolSize: 1 });
  const up = createDb(TEST_DATABASE_URL, { poolSize: 1 });
  afterAll(async () => {
    await down.$disconnect();
    await up.$disconnect();
  });

  it('tries again while Postgres is unreachable, then returns what the write returns', async () => {
    const slept: number[] = [];
    let calls = 0;
    const result = await retryWhileUnavailable(
      async () => {
        calls++;
        if (calls <= 3) return down.$queryRaw<{ one: number }[]>`SELECT 1 AS one`;
        return up.$queryRaw<{ one: number }[]>`SELECT 1 AS one`;
      },
      { maxMs: 60_000, sleep: async (ms) => void slept.push(ms), now: () => 0 },
    );
    expect(result).toEqual([{ one: 1 }]);
    expect(calls).toBe(4);
    expect(slept).toEqual([250, 500, 1000]);
  });

  it('gives up with the outage error once the time allowed is spent', async () => {
    let clock = 0;
    const attempt = retryWhileUnavailable(() => down.$queryRaw`SELECT 1`, {
      maxMs: 2_000,
      sleep: async (ms) => void (clock += ms),
      now: () => clock,
    });
    await expect(attempt).rejects.toThrow();
    expect(clock).toBeLessThanOrEqual(2_000);
    expect(clock).toBeGreaterThanOrEqual(750);
  });

  it('does not retry an error that is not an outage', async () => {
    let calls = 0;
    const attempt = retryWhileUnavailable(
      async () => {
        calls++;
        return up.$queryRaw`SELECT * FROM no_such_table`;
      },
      { maxMs: 60_000, sleep: async () => undefined },
    );
    await expect(attempt).rejects.toThrow(/no_such_table/);
    expect(calls).toBe(1);
  });
});
