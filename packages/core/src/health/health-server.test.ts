import type { AddressInfo } from 'node:net';
import { createRedis, standardReadinessChecks } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '@herald/test/support/env.ts';
import { startHealthServer } from './health-server.ts';

describe("the worker's probe server", () => {
  const db = createDb(TEST_DATABASE_URL, { poolSize: 1 });
  const redis = createRedis(TEST_REDIS_URL);
  const deadDb = createDb('postgresql://postgres@127.0.0.1:9/none', { poolSize: 1 });
  let healthy: string;
  let broken: string;
  const servers: { close(): void }[] = [];

  beforeAll(async () => {
    const url = async (checks: Parameters<typeof startHealthServer>[0]) => {
      const server = await startHealthServer(checks, { host: '127.0.0.1', port: 0 });
      servers.push(server);
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    healthy = await url(standardReadinessChecks(db, redis));
    broken = await url(standardReadinessChecks(deadDb, redis));
  });
  afterAll(async () => {
    for (const server of servers) server.close();
    redis.disconnect();
    await db.$disconnect();
    await deadDb.$disconnect();
  });

  it('answers /healthz while the process runs, and /readyz with every check when all pass', async () => {
    expect(await (await fetch(`${healthy}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${healthy}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' } });
  });

  it('answers /readyz 503 naming the failing check, and still /healthz 200', async () => {
    const ready = await fetch(`${broken}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('fail');
    expect(body.checks.redis).toBe('ok');
    expect(body.checks.postgres).not.toBe('ok');
    expect((await fetch(`${broken}/healthz`)).status).toBe(200);
  });

  it('serves nothing else', async () => {
    expect((await fetch(`${healthy}/metrics`)).status).toBe(404);
    expect((await fetch(`${healthy}/readyz`, { method: 'POST' })).status).toBe(405);
  });
});
