// A focused measurement of intake's commit statement and the worker's load statement, against the
// migrated database in DATABASE_URL (rows are added to a project of their own, and left there):
// 2,000 accepts of one 5 KB message through commitMessages one at a time and 50 in flight (twice
// each, after 200 to warm up), with this process's CPU and the database's backends' CPU (from /proc,
// so run it on the database's machine) per message; then loadJobs for those messages, one job a
// statement and 50. Written to compare the message content in messages.raw with message_contents:
// `DATABASE_URL=… node --import tsx bench/commit-and-load.ts`. Wall times need an idle machine.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { commitMessages, createLogger, createStore, newId, type MessageDraft } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { loadJobs } from '../apps/worker/src/delivery/steps/load.ts';
import { seedProject } from '../test/support/api-app.ts';

const url = process.env.DATABASE_URL as string;
const db = createDb(url);
const store = createStore(db);
const project = await seedProject(db, 'micro');
const log = createLogger('micro', 'silent');
const body = 'x'.repeat(76) + '\r\n';
const raw = (id: string) => Buffer.from(`From: a@${project.domain}\r\nTo: ann@one.example\r\nSubject: s\r\nMessage-ID: <${id}@x>\r\n\r\n${body.repeat(64)}`);
const draft = (): MessageDraft => {
  const id = newId('message');
  return { id, raw: raw(id), from: { email: `a@${project.domain}` }, subject: 's', messageIdHeader: `${id}@x`, recipients: [{ email: 'ann@one.example', kind: 'to' }], tags: [], metadata: {}, ownListUnsubscribe: false };
};
const deps = { store, enqueue: async () => {}, log };
const sender = { projectId: project.id, apiKeyId: null, test: false };
const options = { maxMessageBytes: 1 << 24, fieldPrefix: () => '', source: 'api' };
const pgc = new pg.Client({ connectionString: url });
await pgc.connect();
/** The CPU time (ms) of the database's backends so far: utime + stime of each, in clock ticks of 10 ms. */
const pgCpu = async () => {
  const { rows } = await pgc.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  let ticks = 0;
  for (const { pid } of rows) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
};
for (let i = 0; i < 200; i++) await commitMessages(deps, sender, [draft()], options); // warm-up
const ids: string[] = [];
const round = async (label: string, n: number, inFlight: number) => {
  const cpu0 = process.cpuUsage(); const pg0 = await pgCpu(); const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next++ < n) { const d = draft(); ids.push(d.id); await commitMessages(deps, sender, [d], options); }
  }));
  const ms = performance.now() - t0; const cpu = process.cpuUsage(cpu0); const pgms = (await pgCpu()) - pg0;
  console.log(`${label}: ${n} accepts in ${ms.toFixed(0)} ms (${(n / ms * 1000).toFixed(0)}/s, ${(ms / n * 1000).toFixed(0)} µs each), node CPU ${((cpu.user + cpu.system) / n).toFixed(0)} µs/msg, postgres CPU ~${(pgms * 1000 / n).toFixed(0)} µs/msg`);
};
for (const rep of [1, 2]) {
  await round(`sequential #${rep}`, 2000, 1);
  await round(`50 in flight #${rep}`, 2000, 50);
}
// the load statement: one job at a time, and batches of 50
const jobs = ids.slice(0, 2000).map((messageId) => ({ messageId, domain: 'one.example' }));
for (const rep of [1, 2]) {
  let t0 = performance.now();
  for (const j of jobs) await loadJobs(db, [j]);
  const single = (performance.now() - t0) / jobs.length;
  t0 = performance.now();
  for (let i = 0; i < jobs.length; i += 50) await loadJobs(db, jobs.slice(i, i + 50));
  const batch = (performance.now() - t0) / jobs.length;
  const loaded = await loadJobs(db, jobs.slice(0, 1));
  if (!loaded.values().next().value?.raw) throw new Error('no raw loaded');
  console.log(`load #${rep}: one job ${(single * 1000).toFixed(0)} µs, in batches of 50 ${(batch * 1000).toFixed(0)} µs/job`);
}
await pgc.end();
await db.$disconnect();
process.exit(0);
