import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';

describe('POST /v1/messages/batch', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_MAX_RECIPIENTS: '2' });
    project = await seedProject(api.db, 'batch');
    other = await seedProject(api.db, 'batch-other');
  });
  afterAll(() => api.close());

  const message = (i: number) => ({ from: `n@${project.domain}`, to: `user${i}@d${i % 3}.example`, subject: `#${i}`, text: `hello ${i}` });
  const batch = (payload: object, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: { ...project.auth, ...headers }, payload });

  it('commits 500 messages in one call and answers with each, in order', async () => {
    const before = api.jobs.length;
    const response = await batch({ messages: Array.from({ length: 500 }, (_, i) => message(i)) });
    expect(response.statusCode).toBe(202);
    const data = response.json<{ data: { id: string; status: string; recipients: { email: string }[] }[] }>().data;
    expect(data).toHaveLength(500);
    expect(data[7]?.recipients[0]?.email).toBe('user7@d1.example');
    expect(new Set(data.map((m) => m.id)).size).toBe(500);
    expect(await api.db.message.count({ where: { id: { in: data.map((m) => m.id) } } })).toBe(500);
    expect(await api.db.event.count({ where: { messageId: { in: data.map((m) => m.id) }, type: 'queued' } })).toBe(500);
    expect(api.jobs.length - before).toBe(500);
  });

  it('stores every row of a batch larger than one slice of its JSON as sent, characters outside ASCII included', async () => {
    // past 64 rows the commit sends its rows as UTF-8 bytes, sliced (packages/core/src/db/json-rows.ts): json for the
    // messages, jsonb for the recipients and events; characters of two, three and four octets fall in every slice
    const names = ['Zoë', '注文', 'Paket 📦', 'Ünïcödé'];
    const messages = Array.from({ length: 150 }, (_, i) => ({
      from: { email: `n@${project.domain}`, name: names[i % 4] },
      to: `ü${i}@d${i % 3}.example`,
      subject: `${names[(i + 1) % 4]} #${i}`,
      text: `hello ${i}`,
      tags: [`t-${i % 4}`],
      metadata: { order: `№${i}`, note: names[(i + 3) % 4] },
    }));
    const response = await batch({ messages });
    expect(response.statusCode, response.body).toBe(202);
    const ids = response.json<{ data: { id: string }[] }>().data.map((m) => m.id);
    const stored = await api.db.message.findMany({ where: { id: { in: ids } }, include: { recipients: true, events: true } });
    const byId = new Map(stored.map((m) => [m.id, m]));
    ids.forEach((id, i) => {
      const m = byId.get(id);
      expect(m, `message ${i}`).toMatchObject({ fromName: names[i % 4], subject: `${names[(i + 1) % 4]} #${i}`, tags: [`t-${i % 4}`], metadata: { order: `№${i}`, note: names[(i + 3) % 4] } });
      expect(m?.recipients.map((r) => r.email)).toEqual([`ü${i}@d${i % 3}.example`]);
      expect(m?.events.map((e) => [e.type, e.email])).toEqual([['queued', `ü${i}@d${i % 3}.example`]]);
    });
  });

  it("stores each message's own bytes when batches of two projects, and one refused, are composed and committed at once", async () => {
    // a request's messages are composed into memory that goes back to a pool once its commit has
    // settled (packages/core/src/mime/message-arena.ts), and the next requests compose over it: the
    // bytes of one request must be committed before another writes where they were
    const send = (who: TestProject, round: number, size: number) =>
      api.app.inject({
        method: 'POST',
        url: '/v1/messages/batch',
        headers: who.auth,
        payload: {
          messages: Array.from({ length: size }, (_, i) => ({ from: `n@${who.domain}`, to: `r${i}@d.example`, subject: `${who.id} ${round}.${i}`, text: `${who.id}:${round}.${i}:\n`.repeat(40 + ((round * 7 + i) % 30)) })),
        },
      });
    const refused = () => api.app.inject({ method: 'POST', url: '/v1/messages/batch', headers: project.auth, payload: { messages: [message(0), { ...message(1), from: `n@${other.domain}` }] } });
    // each request started a moment after the one before: it composes while those before it commit
    const pending: ReturnType<typeof send>[] = [];
    for (let round = 0; round < 12; round++) {
      pending.push(send(round % 2 ? other : project, round, 20 + round * 5));
      if (round % 4 === 0) pending.push(refused());
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const responses = await Promise.all(pending);
    expect(responses.map((r) => r.statusCode).sort()).toEqual([...Array<number>(12).fill(202), ...Array<number>(3).fill(403)].sort());
    for (const [round, response] of responses.filter((r) => r.statusCode === 202).entries()) {
      const who = round % 2 ? other : project;
      const ids = response.json<{ data: { id: string }[] }>().data.map((m) => m.id);
      const stored = await api.db.message.findMany({ where: { id: { in: ids } }, select: { id: true, subject: true, projectId: true, content: { select: { raw: true } } } });
      expect(stored).toHaveLength(20 + round * 5);
      for (const m of stored) {
        const [, at] = m.subject.split(' ') as [string, string];
        const raw = Buffer.from(m.content?.raw ?? new Uint8Array()).toString('latin1');
        expect(m.projectId).toBe(who.id);
        expect(raw).toContain(`Subject: ${who.id} ${at}\r\n`);
        expect(raw).toContain(`${who.id}:${at}:\r\n${who.id}:${at}:\r\n`);
        // nothing of another message: every marker in the bytes is this message's own
        expect(new Set(raw.match(/[A-Za-z0-9_]+:\d+\.\d+:/g))).toEqual(new Set([`${who.id}:${at}:`]));
      }
    }
  });

  it('sends the deliveries due now in batch jobs of at most 50, and each scheduled message in a job of its own', async () => {
    const before = api.jobs.length;
    const sendAt = new Date(Date.now() + 3_600_000).toISOString();
    const messages = Array.from({ length: 120 }, (_, i) => (i % 10 === 9 ? { ...message(i), send_at: sendAt } : message(i)));
    expect((await batch({ messages })).statusCode).toBe(202);
    const jobs = api.jobs.slice(before);
    const sizes = new Map<string | undefined, number>();
    for (const job of jobs) sizes.set(job.batch, (sizes.get(job.batch) ?? 0) + 1);
    expect([...sizes.values()].sort((a, b) => b - a)).toEqual([50, 50, 12, 8]);
    expect(sizes.get(undefined)).toBe(12);
    expect(jobs.filter((j) => j.batch === undefined).every((j) => j.delayMs > 3_500_000)).toBe(true);
  });

  it('refuses 501 messages', async () => {
    const response = await batch({ messages: Array.from({ length: 501 }, (_, i) => message(i)) });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { details: [{ field: 'messages' }] } });
  });

  it('lists every invalid message index and field and stores nothing when any message is invalid', async () => {
    const before = await countProjectRows(api.db, project.id);
    const response = await batch({
      messages: [message(0), { ...message(1), to: 'nope' }, message(2), { ...message(3), subject: 'a\nb', text: undefined }],
    });
    expect(response.statusCode).toBe(400);
    const fields = response.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['messages.1.to', 'messages.3.subject', 'messages.3.text']));
    expect(fields.some((f) => f.startsWith('messages.0') || f.startsWith('messages.2'))).toBe(false);
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });

  it('checks the configured recipient limit for every message', async () => {
    const response = await batch({ messages: [message(0), { ...message(1), to: ['a@x.example', 'b@x.example'], cc: 'c@x.example' }] });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { details: [{ field: 'messages.1.to' }] } });
  });

  it("refuses the whole batch with 403 when one message is from another project's domain, naming it", async () => {
    const before = await countProjectRows(api.db, project.id);
    const response = await batch({ messages: [message(0), { ...message(1), from: `n@${other.domain}` }] });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'domain_not_verified', details: [{ field: 'messages.1.from' }] } });
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });

  it('replays a whole batch sent again with the same Idempotency-Key, and refuses a changed one', async () => {
    const payload = { messages: [message(10), message(11)] };
    const first = await batch(payload, { 'idempotency-key': 'batch-7' });
    const again = await batch(payload, { 'idempotency-key': 'batch-7' });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    const changed = await batch({ messages: [message(10), message(12)] }, { 'idempotency-key': 'batch-7' });
    expect(changed.statusCode).toBe(409);
  });

  it('needs a message list', async () => {
    expect((await batch({})).statusCode).toBe(400);
    expect((await batch({ messages: [] })).statusCode).toBe(400);
  });
});
