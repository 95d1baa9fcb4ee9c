import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { freePort, runHerald, startHerald, type HeraldProcess } from '@herald/test/support/herald-process.ts';
import { heraldEnv, uniquePrefix } from '@herald/test/support/env.ts';
import { startPrivatePostgres, type PrivatePostgres } from '@herald/test/support/private-postgres.ts';
import { startReplica, type PostgresReplica } from '@herald/test/support/postgres-replica.ts';
import { sampleValue } from '@herald/test/support/promtool.ts';
import { waitFor } from '@herald/test/support/wait-for.ts';
import { Jar, pageGet, signInWith } from '../../apps/api/src/dashboard/dashboard-test-support.ts';

interface Accepted {
  id: string;
  recipients: { email: string; status: string }[];
}
interface Page {
  data: { id?: string; email?: string }[];
}

/**
 * A primary and a streaming replica of the test's own (Debian's Postgres 15 binaries, loopback ports,
 * temporary directories), the API reading from the replica with DATABASE_READ_URL. Pausing the
 * replica's replay makes "goes to the replica" visible: what was just written is on the primary only.
 */
describe('read replica (DATABASE_READ_URL)', () => {
  let primary: PrivatePostgres;
  let replica: PostgresReplica;
  let api: TestApi;
  let project: TestProject;

  const get = (url: string, headers: Record<string, string> = project.auth) => api.app.inject({ method: 'GET', url, headers });
  const jar = new Jar();
  const send = async (to: string, subject = 'replica'): Promise<Accepted> => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: project.auth,
      payload: { from: `news@${project.domain}`, to, subject, text: 'hello' },
    });
    expect(response.statusCode, response.body).toBe(202);
    return response.json<Accepted>();
  };
  const listedIds = async (url: string) => {
    const response = await get(url);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Page>().data.map((row) => row.id ?? row.email);
  };
  const accepted = async () => (await get('/v1/stats?granularity=hour')).json<{ totals: { accepted: number } }>().totals.accepted;

  beforeAll(async () => {
    primary = await startPrivatePostgres();
    replica = await startReplica(primary);
    // `herald migrate` on the primary only: the replica gets the schema by streaming replication
    const migrated = await runHerald(['migrate'], heraldEnv({ DATABASE_URL: primary.url('herald') }));
    expect(migrated.code, migrated.stderr).toBe(0);
    await replica.caughtUp();
    api = await buildTestApi({ HERALD_ENV: 'test', DATABASE_URL: primary.url('herald'), DATABASE_READ_URL: replica.url('herald') }, { dashboard: true });
    project = await seedProject(api.db, 'replica');
    expect((await signInWith(api.app, jar, { api_key: project.key })).statusCode).toBe(303);
    await replica.caughtUp();
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    replica?.destroy();
    primary?.destroy();
  });

  it('sends the lists and statistics to the replica, and a message by id to the primary', async () => {
    expect(api.store.staleReads.replicated).toBe(true);
    const before = await accepted();
    await replica.pauseReplay();
    try {
      const message = await send('ann@example.com', 'Lagging subject');
      // read-your-writes where the user expects it: the message by id, its raw content, its events
      expect((await get(`/v1/messages/${message.id}`)).statusCode).toBe(200);
      expect((await get(`/v1/messages/${message.id}/raw`)).statusCode).toBe(200);
      // the replica has not replayed the commit: its events list would say 404; the miss is asked again on the primary
      const events = await get(`/v1/messages/${message.id}/events`);
      expect(events.statusCode, events.body).toBe(200);
      expect(events.json<{ data: { type: string }[] }>().data.map((e) => e.type)).toEqual(['queued']);
      // the lists and statistics come from the replica, which has not seen it yet
      expect(await listedIds('/v1/messages')).not.toContain(message.id);
      expect(await accepted()).toBe(before);
      // the dashboard reads where the routes it calls read: its list lags, the message's own page does not
      expect((await pageGet(api.app, jar, '/dashboard/messages')).body).not.toContain('Lagging subject');
      const page = await pageGet(api.app, jar, `/dashboard/messages/${message.id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Lagging subject');
      // still not, a moment later: nothing but the replica's replay brings it
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await listedIds('/v1/messages')).not.toContain(message.id);

      // a webhook made now is found (the endpoint is read on the primary); its delivery log lags
      const webhook = await api.app.inject({ method: 'POST', url: '/v1/webhooks', headers: project.auth, payload: { url: 'https://hooks.example.com/replica', events: ['message.delivered'] } });
      expect(webhook.statusCode, webhook.body).toBe(201);
      const webhookId = webhook.json<{ id: string }>().id;
      const queued = await api.app.inject({ method: 'POST', url: `/v1/webhooks/${webhookId}/test`, headers: project.auth });
      expect(queued.statusCode, queued.body).toBe(202);
      expect(await listedIds(`/v1/webhooks/${webhookId}/deliveries`)).toEqual([]);

      await replica.resumeReplay();
      await replica.caughtUp();
      expect(await listedIds('/v1/messages')).toContain(message.id);
      expect(await accepted()).toBe(before + 1);
      expect((await pageGet(api.app, jar, '/dashboard/messages')).body).toContain('Lagging subject');
      expect(await listedIds(`/v1/webhooks/${webhookId}/deliveries`)).toEqual([queued.json<{ id: string }>().id]);
    } finally {
      await replica.resumeReplay();
    }
  });

  it('keeps authentication, suppression checks at intake and the configuration lists on the primary', async () => {
    await replica.pauseReplay();
    try {
      // a key made a moment ago works at once (its lookup is on the primary), and so does its revocation
      const created = await api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: project.auth, payload: { name: 'fresh', scopes: ['full'] } });
      expect(created.statusCode).toBe(201);
      const key = created.json<{ id: string; key: string }>();
      expect((await get('/v1/messages', { authorization: `Bearer ${key.key}` })).statusCode).toBe(200);
      expect((await get('/v1/api-keys')).json<Page>().data.map((k) => k.id)).toContain(key.id);
      expect((await api.app.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, headers: project.auth })).statusCode).toBe(204);
      expect((await get('/v1/messages', { authorization: `Bearer ${key.key}` })).statusCode).toBe(401);

      // an address suppressed a moment ago is suppressed at once, though the list does not show it yet
      const added = await api.app.inject({ method: 'POST', url: '/v1/suppressions', headers: project.auth, payload: { email: 'gone@example.com' } });
      expect(added.statusCode).toBe(201);
      expect(await listedIds('/v1/suppressions')).not.toContain('gone@example.com');
      const message = await send('gone@example.com');
      expect(message.recipients).toEqual([{ email: 'gone@example.com', status: 'suppressed' }]);
    } finally {
      await replica.resumeReplay();
    }
    await replica.caughtUp();
    expect(await listedIds('/v1/suppressions')).toContain('gone@example.com');
  });

  it('never lets a write or a bad query through the replica side fall back to the primary', async () => {
    // a write sent by mistake to the read side fails there (read-only), it is not quietly redone on the primary
    await expect(api.store.staleReads.read((db) => db.$executeRawUnsafe(`UPDATE projects SET name = name WHERE id = '${project.id}'`))).rejects.toThrow(/read-only transaction/);
    await expect(api.store.staleReads.read((db) => db.$queryRawUnsafe('SELECT no_such_column FROM projects'))).rejects.toThrow(/no_such_column/);
  });

  it('answers the lists from the primary while the replica is down, and goes back to the replica once it is up', async () => {
    const fallbacks = async () => (await metrics().replicaFallbacks.get()).values[0]?.value ?? 0;
    const counted = await fallbacks();
    await replica.stop();
    try {
      const message = await send('bob@example.com');
      // the primary answers: the list is complete, even fresher than the replica was
      expect(await listedIds('/v1/messages')).toContain(message.id);
      expect(await listedIds('/v1/suppressions')).toContain('gone@example.com');
      expect((await get('/v1/stats?granularity=hour')).statusCode).toBe(200);
      expect(await fallbacks()).toBeGreaterThanOrEqual(counted + 3);
      // the API stays ready: the replica is no part of /readyz
      const ready = await api.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode, ready.body).toBe(200);
    } finally {
      await replica.start();
    }
    await replica.caughtUp();
    // within the retry period (5 s) the replica is used again: a paused replica makes the list lag once more
    await replica.pauseReplay();
    try {
      const message = await send('carol@example.com');
      await waitFor('the list to come from the replica again', async () => !(await listedIds('/v1/messages')).includes(message.id), 15_000, 200);
    } finally {
      await replica.resumeReplay();
    }
  }, 60_000);

  describe('herald start api', () => {
    let process_: HeraldProcess;
    let port: number;
    const TOKEN = 'replica-metrics-token-0123456789abcdef';
    const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();

    beforeAll(async () => {
      port = await freePort();
      process_ = await startHerald(
        'api',
        heraldEnv({
          DATABASE_URL: primary.url('herald'),
          DATABASE_READ_URL: replica.url('herald'),
          HERALD_API_PORT: port,
          HERALD_METRICS_TOKEN: TOKEN,
          HERALD_QUEUE_PREFIX: uniquePrefix('replica'),
        }),
      );
    });
    afterAll(async () => {
      await process_?.stop();
    });

    it("shows the replica's pool and health in its metrics, and stays ready while the replica is down", async () => {
      const listed = await fetch(`http://127.0.0.1:${port}/v1/messages`, { headers: project.auth });
      expect(listed.status).toBe(200);
      const up = await scrape();
      expect(sampleValue(up, 'herald_dependency_up', { dependency: 'postgres_replica' })).toBe(1);
      expect(sampleValue(up, 'herald_db_pool_connections', { state: 'idle', database: 'replica' })).toBeGreaterThanOrEqual(1);
      expect(sampleValue(up, 'herald_db_pool_connections', { state: 'idle', database: 'primary' })).toBeGreaterThanOrEqual(1);

      await replica.stop();
      try {
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(ready.status).toBe(200);
        expect((await fetch(`http://127.0.0.1:${port}/v1/messages`, { headers: project.auth })).status).toBe(200);
        const down = await scrape();
        expect(sampleValue(down, 'herald_dependency_up', { dependency: 'postgres_replica' })).toBe(0);
        expect(sampleValue(down, 'herald_dependency_up', { dependency: 'postgres' })).toBe(1);
        expect(sampleValue(down, 'herald_db_replica_fallbacks_total')).toBeGreaterThanOrEqual(1);
      } finally {
        await replica.start();
      }
    }, 60_000);
  });
});
