import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProject, type Db } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { heraldEnv, TEST_DATABASE_URL, uniqueName, uniquePrefix } from '../support/env.ts';
import { freePort, startHerald, type HeraldProcess } from '../support/herald-process.ts';
import { childrenOf, commandLine } from '../support/proc.ts';
import { waitFor } from '../support/wait-for.ts';

/** The API processes whose parent is `pid` (not tsx's esbuild service). */
const apiChildrenOf = (pid: number): number[] => childrenOf(pid).filter((child) => commandLine(child).includes('api'));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('herald start api with HERALD_API_PROCESSES', () => {
  let db: Db;
  let key: string;
  let api: HeraldProcess | null = null;
  beforeAll(async () => {
    db = createDb(TEST_DATABASE_URL, { poolSize: 2 });
    key = (await createProject(db, uniqueName('processes'))).apiKey.key;
  });
  // a test that failed half-way leaves no API behind (its processes follow the first one out)
  afterEach(async () => {
    await api?.stop('SIGKILL');
    api = null;
  });
  afterAll(() => db.$disconnect());

  const start = async () => {
    const port = await freePort();
    api = await startHerald('api', heraldEnv({ HERALD_API_PORT: port, HERALD_API_PROCESSES: 2, HERALD_QUEUE_PREFIX: uniquePrefix('procs') }));
    return { port, primary: api.child.pid as number };
  };

  it('runs that many API processes on one port, answers from all of them, and drains them all on SIGTERM', async () => {
    const { port, primary } = await start();
    const children = await waitFor('two API processes', () => (apiChildrenOf(primary).length === 2 ? apiChildrenOf(primary) : null));
    // the cluster hands connections only to processes already listening: wait for both (fastify logs it)
    await waitFor('both API processes listening', () => {
      const listening = new Set((api?.output() ?? '').split('\n').filter((line) => line.includes('Server listening')).map((line) => (JSON.parse(line) as { pid: number }).pid));
      return children.every((pid) => listening.has(pid)) ? true : null;
    });
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => fetch(`http://127.0.0.1:${port}/v1/messages`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status)),
    );
    expect(new Set(answers)).toEqual(new Set([200]));
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    // pino writes each process's pid on its lines: both processes answered requests
    const answeredBy = new Set(
      (api?.output() ?? '').split('\n').filter((line) => line.includes('"msg":"request completed"')).map((line) => (JSON.parse(line) as { pid: number }).pid),
    );
    expect([...answeredBy].sort()).toEqual([...children].sort());

    const code = await api?.stop('SIGTERM');
    api = null;
    expect(code).toBe(0);
    expect(children.filter(alive)).toEqual([]);
  });

  it('stops its API processes when it is killed outright', async () => {
    const { primary } = await start();
    const children = await waitFor('two API processes', () => (apiChildrenOf(primary).length === 2 ? apiChildrenOf(primary) : null));
    // the cluster hands connections only to processes already listening: wait for both (fastify logs it)
    await waitFor('both API processes listening', () => {
      const listening = new Set((api?.output() ?? '').split('\n').filter((line) => line.includes('Server listening')).map((line) => (JSON.parse(line) as { pid: number }).pid));
      return children.every((pid) => listening.has(pid)) ? true : null;
    });
    await api?.stop('SIGKILL');
    api = null;
    await waitFor('the API processes to exit', () => children.every((pid) => !alive(pid)), 20_000);
  });
});
