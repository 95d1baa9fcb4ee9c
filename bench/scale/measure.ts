// `npm run bench:scale`: Herald's read paths on the database `npm run bench:seed` filled (10 million
// recipients over 90 days by default): p50 and p95 of the API's reads (statistics, message lists and
// filters, a message and its events) through the real API built in-process on that database, and of
// the dashboard's pages, fetched as a browser would (signed in: the session cookie carried, sessions
// and queue counts in the local Redis, REDIS_URL). Writes its table to stdout and to
// bench/scale/RESULTS.md.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '@herald/api';
import { createQueueOverview } from '@herald/api/dashboard/queue-overview';
import { createSessionStore } from '@herald/api/dashboard/session-store';
import {
  apiSettings,
  createDeliveryQueues,
  createRedis,
  createLogger,
  createResolver,
  createStore,
  domainSettings,
  issueApiKey,
  parseSettings,
  SCOPE_PRESETS,
  sqlPool,
  UNCACHED,
} from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { SCALE_DATABASE_URL, SCALE_PROJECT } from './seed.ts';

const ROUNDS = Number(process.env.BENCH_SCALE_ROUNDS ?? 40);
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

const ADMIN_TOKEN = 'bench-scale-admin-token-'.padEnd(48, 'x');
const config = parseSettings(apiSettings, {
  DATABASE_URL: SCALE_DATABASE_URL,
  HERALD_MASTER_KEY: Buffer.alloc(32, 0x42).toString('base64'),
  HERALD_ADMIN_TOKEN: ADMIN_TOKEN,
  ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
});
const db = createDb(SCALE_DATABASE_URL, { poolSize: 4 });
const project = await db.project.findFirst({ where: { name: SCALE_PROJECT }, select: { id: true } });
if (!project) throw new Error(`no project ${SCALE_PROJECT} in ${SCALE_DATABASE_URL}: run npm run bench:seed first`);
const { key } = await issueApiKey(db, project.id, { name: 'scale measurement', scopes: [...SCOPE_PRESETS.full], domains: [], expiresAt: null, mode: 'live' });
// the dashboard's sessions and queue counts under a prefix of this run's own
const redis = createRedis(config.redisUrl);
const redisPrefix = `bench-scale-${process.pid}`;
const queues = createDeliveryQueues(redis, redisPrefix);
const app = await buildApp({
  config,
  db,
  store: createStore(db),
  log: createLogger('bench-scale', 'silent'),
  enqueue: async () => undefined,
  readiness: {},
  resolver: createResolver({ servers: ['127.0.0.1:9'], cache: UNCACHED }),
  masterKey: Buffer.alloc(32, 0x42),
  domainSettings: domainSettings(config),
  dashboard: { sessions: createSessionStore(redis, redisPrefix, config.dashboardSessionTtlMs), queues: createQueueOverview(queues, redis, redisPrefix) },
});
await app.ready();

const auth = { authorization: `Bearer ${key}` };
const get = async (url: string) => {
  const response = await app.inject({ method: 'GET', url, headers: auth });
  if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return response;
};

/** The cookie of a dashboard session signed in with `form` (as the admin: in `projectId`), through the sign-in page and its CSRF token. */
async function dashboardSession(form: Record<string, string>, projectId?: string): Promise<string> {
  const cookies = new Map<string, string>();
  const keep = (setCookie: string | string[] | undefined) => {
    for (const line of [setCookie ?? []].flat()) {
      const [name, value] = (line.split(';')[0] ?? '').split('=');
      if (name && value) cookies.set(name, value);
    }
  };
  const jar = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
  const post = async (url: string, fields: Record<string, string>) => {
    const response = await app.inject({ method: 'POST', url, headers: { cookie: jar(), 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
    if (response.statusCode !== 303) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
    keep(response.headers['set-cookie']);
  };
  const signIn = await app.inject({ method: 'GET', url: '/dashboard/sign-in' });
  keep(signIn.headers['set-cookie']);
  await post('/dashboard/sign-in', { _csrf: csrfOf(signIn.body), ...form });
  if (projectId) {
    const projects = await app.inject({ method: 'GET', url: '/dashboard/projects', headers: { cookie: jar() } });
    await post('/dashboard/projects/select', { _csrf: csrfOf(projects.body), project_id: projectId });
  }
  return jar();
}

/** p50 and p95 of `ROUNDS` runs (after two warm-up runs), in ms. */
async function timed(run: (round: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  await run(-1);
  await run(-2);
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    await run(round);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] as number) * 10) / 10;
  return { p50: at(0.5), p95: at(0.95) };
}

const now = Date.now();
const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const oldest = await db.message.findFirstOrThrow({ where: { projectId: project.id }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } });
const span = now - oldest.createdAt.getTime();
// a message half-way back, and a point a third of the way from the oldest (far down any list)
const sample = await db.message.findFirstOrThrow({ where: { projectId: project.id, createdAt: { lt: new Date(now - span / 2) } }, orderBy: { createdAt: 'desc' }, select: { id: true } });
const deep = new Date(oldest.createdAt.getTime() + span / 3);
const counts = await sqlPool(db).query<{ recipients: string; events: string }>(
  'SELECT (SELECT count(*) FROM recipients WHERE project_id = $1) AS recipients, (SELECT count(*) FROM events WHERE project_id = $1) AS events',
  [project.id],
);

const rows: [string, { p50: number; p95: number }, string][] = [];
const measure = async (name: string, target: string, run: (round: number) => Promise<unknown>) => {
  const result = await timed(run);
  rows.push([name, result, target]);
  console.log(`${name}: p50 ${result.p50} ms, p95 ${result.p95} ms`);
};

await measure('GET /v1/stats, 30 days by day', 'p95 < 200 ms', (r) => get(`/v1/stats?from=${iso(now - 30 * day - (r % 24) * 3_600_000)}&to=${iso(now)}&granularity=day`));
await measure('GET /v1/stats, 30 days by hour, one tag', 'p95 < 200 ms', (r) => get(`/v1/stats?from=${iso(now - 30 * day - (r % 24) * 3_600_000)}&to=${iso(now)}&granularity=hour&tag=receipt`));
await measure('GET /v1/stats, 90 days by day, one sending domain', 'p95 < 200 ms', () => get(`/v1/stats?from=${iso(now - 90 * day)}&to=${iso(now)}&domain=shop.scale.example`));
await measure('GET /v1/messages (newest 20)', '', () => get('/v1/messages'));
await measure('GET /v1/messages, 100 a page, next page', '', async () => {
  const first = await get('/v1/messages?limit=100');
  await get(`/v1/messages?limit=100&cursor=${encodeURIComponent(first.json<{ next_cursor: string }>().next_cursor)}`);
});
await measure('GET /v1/messages?status=bounced', '', () => get('/v1/messages?status=bounced'));
await measure('GET /v1/messages?tag=alert', '', () => get('/v1/messages?tag=alert'));
await measure('GET /v1/messages?recipient=<one address>', '', (r) => get(`/v1/messages?recipient=user${1000 + r}@gmail.com`));
await measure('GET /v1/messages, created_before two thirds back', '', () => get(`/v1/messages?created_before=${deep.toISOString()}`));
await measure('GET /v1/messages/{id} (half-way back)', '', () => get(`/v1/messages/${sample.id}`));
await measure('GET /v1/messages/{id}/events', '', () => get(`/v1/messages/${sample.id}/events`));

// the dashboard, as a browser gets it: a session signed in with the key (the admin's for the queues)
const session = await dashboardSession({ api_key: key });
const adminSession = await dashboardSession({ admin_token: ADMIN_TOKEN }, project.id);
const page = async (url: string, cookie = session) => {
  const response = await app.inject({ method: 'GET', url, headers: { cookie } });
  if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return response;
};
const PAGE_TARGET = 'p95 < 300 ms';
await measure('dashboard: overview (7 and 30 days)', PAGE_TARGET, () => page('/dashboard'));
await measure('dashboard: messages (newest)', PAGE_TARGET, () => page('/dashboard/messages'));
await measure('dashboard: messages, status bounced', PAGE_TARGET, () => page('/dashboard/messages?status=bounced'));
await measure('dashboard: messages, one recipient', PAGE_TARGET, (r) => page(`/dashboard/messages?recipient=user${1000 + r}%40gmail.com`));
await measure('dashboard: messages, tag and day', PAGE_TARGET, () => page(`/dashboard/messages?tag=alert&from=${iso(now - 20 * day).slice(0, 10)}&to=${iso(now - 20 * day).slice(0, 10)}`));
await measure('dashboard: a message (half-way back)', PAGE_TARGET, () => page(`/dashboard/messages/${sample.id}`));
await measure('dashboard: domains', PAGE_TARGET, () => page('/dashboard/domains'));
await measure('dashboard: suppressions', PAGE_TARGET, () => page('/dashboard/suppressions'));
await measure('dashboard: webhooks', PAGE_TARGET, () => page('/dashboard/webhooks'));
await measure('dashboard: queues (admin)', PAGE_TARGET, () => page('/dashboard/queues', adminSession));

const { recipients, events } = counts.rows[0] as { recipients: string; events: string };
const table = [
  `# Herald at size`,
  '',
  `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${Number(recipients).toLocaleString('en')} recipients, ${Number(events).toLocaleString('en')} events in one project over 90 days (\`npm run bench:seed\`) · ${ROUNDS} runs each, through the API in-process · \`npm run bench:scale\``,
  '',
  '| Read | p50 | p95 | Target |',
  '| --- | --- | --- | --- |',
  ...rows.map(([name, r, target]) => `| ${name} | ${r.p50} ms | ${r.p95} ms | ${target} |`),
  '',
].join('\n');
writeFileSync(RESULTS, table);
await app.close();
await queues.close();
const benchKeys = await redis.keys(`${redisPrefix}:*`);
if (benchKeys.length > 0) await redis.del(...benchKeys);
redis.disconnect();
await db.apiKey.deleteMany({ where: { projectId: project.id, name: 'scale measurement' } });
await db.$disconnect();
