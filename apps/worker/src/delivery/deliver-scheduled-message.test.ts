import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDomain,
  cancelScheduledMessage,
  createLogger,
  createProject,
  createStore,
  withoutOrm,
  submit,
  type Db,
  type SendRequest,
} from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { TEST_DATABASE_URL, TEST_MASTER_KEY, uniqueName } from '@herald/test/support/env.ts';
import { testIntake, testPrincipal } from '@herald/test/support/intake.ts';
import type { DnsResolver } from '@herald/core';
import { createDkimKeyStore } from '../signing/dkim-key-store.ts';
import type { DeliverTo } from './attempt.ts';
import { testSmtpDeps } from '@herald/test/support/smtp-deps.ts';
import { deliverMessage, type DeliveryDeps } from './deliver-message.ts';

const HOUR = 3_600_000;
const log = createLogger('test-worker', 'silent');

/**
 * The worker's release step: a scheduled message is sent only from its send_at, and only after the
 * worker has moved it from scheduled to queued; a cancelled message is never sent.
 */
describe('deliverMessage for scheduled messages', () => {
  let db: Db;
  let projectId: string;
  let domain: string;

  /** What the delivery stubs were asked to do. */
  /** What the SMTP layer was asked to send: first destination, its first address, the recipients, the bytes. */
  let sent: { mxHost: string; ip: string; envelope: { to: string[] }; message: Buffer }[];
  const smtp = testSmtpDeps();
  /** The message's status in Postgres at the moment each transaction started. */
  let statusAtSend: string[];
  let dnsQuestions: string[];
  let keyLookups: string[];

  const resolver: DnsResolver = {
    async resolveMx(name) {
      dnsQuestions.push(`MX ${name}`);
      return [{ exchange: `mx.${name}`, priority: 10 }];
    },
    async resolve4(name) {
      dnsQuestions.push(`A ${name}`);
      return ['192.0.2.25'];
    },
    async resolve6(name) {
      dnsQuestions.push(`AAAA ${name}`);
      return [];
    },
    async resolveTxt(name) {
      dnsQuestions.push(`TXT ${name}`);
      return [];
    },
  };
  const deliver: DeliverTo = async (_smtp, destinations, _from, recipients, message) => {
    const first = destinations[0];
    const whole = Buffer.concat(Array.isArray(message) ? message : Buffer.isBuffer(message) ? [message] : []);
    sent.push({ mxHost: first?.name ?? '', ip: first?.addresses[0] ?? '', envelope: { to: recipients }, message: whole });
    const messageId = /^Message-ID: <([^@>]+)@/m.exec(whole.toString('latin1'))?.[1] ?? '';
    statusAtSend.push((await db.message.findUniqueOrThrow({ where: { id: messageId }, select: { status: true } })).status);
    const replies = new Map(recipients.map((to) => [to, { code: 250, enhanced: '2.0.0', text: '250 2.0.0 OK queued' }]));
    return { kind: 'replies', replies, host: first?.name ?? '', ip: first?.addresses[0] ?? '', tls: null, durationMs: 1 };
  };

  const depsAt = (clock: Date): DeliveryDeps => {
    // the worker's view of the database (as createSqlDb makes it): a Prisma call on its paths fails
    const workerDb = withoutOrm(db);
    const keys = createDkimKeyStore(workerDb, Buffer.from(TEST_MASTER_KEY, 'base64'));
    return {
      db: workerDb,
      store: createStore(workerDb),
      resolver,
      smtp: smtp.deps,
      deliver,
      masterKey: Buffer.from(TEST_MASTER_KEY, 'base64'),
      keys: {
        signingKeys(keyIds) {
          keyLookups.push(keyIds.join(','));
          return keys.signingKeys(keyIds);
        },
      },
      settings: {
        mxPort: 25,
        retrySchedule: [60_000],
        maxMessageAgeMs: 3 * 24 * HOUR,
      },
      clock: () => clock,
      random: () => 0.5,
      log,
    };
  };

  /** A message accepted through the real intake, scheduled for sendAt, to two domains. */
  const schedule = async (sendAt: Date): Promise<string> => {
    const request: SendRequest = {
      from: { email: `later@${domain}` },
      to: [{ email: 'ann@one.example' }, { email: 'bob@one.example' }, { email: 'cy@two.example' }],
      cc: [],
      bcc: [],
      replyTo: [],
      subject: 'Scheduled',
      text: 'hello later',
      headers: [],
      attachments: [],
      tags: [],
      metadata: {},
      sendAt,
    };
    const intake = testIntake(createStore(db));
    const { messages } = await submit(intake, testPrincipal(projectId), { kind: 'fields', messages: [request], batch: false }, { fieldPrefix: () => '', source: 'api' });
    const { jobs } = intake;
    const message = messages[0] as { id: string; status: string };
    expect(message.status).toBe('scheduled');
    expect(jobs.map((j) => j.data.domain)).toEqual(['one.example', 'two.example']);
    return message.id;
  };

  /** Everything delivery could have written about a message. */
  const snapshot = async (messageId: string) => {
    const message = await db.message.findUniqueOrThrow({
      where: { id: messageId },
      include: { recipients: { orderBy: { id: 'asc' } }, events: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
    return {
      status: message.status,
      updatedAt: message.updatedAt.toISOString(),
      recipients: message.recipients.map((r) => ({ email: r.email, status: r.status, attempts: r.attempts, lastCode: r.lastCode })),
      events: message.events.map((e) => `${e.type} ${e.email}`),
    };
  };

  const expectNothingDone = () => {
    expect(sent).toEqual([]);
    expect(dnsQuestions).toEqual([]);
    expect(keyLookups).toEqual([]);
  };

  beforeAll(async () => {
    db = createDb(TEST_DATABASE_URL, { poolSize: 4 });
    const created = await createProject(db, uniqueName('release'));
    projectId = created.project.id;
    domain = `${uniqueName('release')}.example`;
    const added = await addDomain(db, Buffer.from(TEST_MASTER_KEY, 'base64'), projectId, domain);
    await db.domain.update({ where: { id: added.id }, data: { status: 'verified' } });
  });
  afterAll(async () => {
    await db.$disconnect();
    await smtp.close();
  });

  const reset = () => {
    sent = [];
    statusAtSend = [];
    dnsQuestions = [];
    keyLookups = [];
  };

  it('sends nothing before send_at and asks to come back exactly at send_at', async () => {
    reset();
    const sendAt = new Date(Date.now() + HOUR);
    const id = await schedule(sendAt);
    const before = await snapshot(id);

    const result = await deliverMessage(depsAt(new Date(sendAt.getTime() - 5 * 60_000)), { messageId: id, domain: 'one.example' });

    expect(result).toEqual({ retryAt: sendAt });
    expectNothingDone();
    expect(await snapshot(id)).toEqual(before);
    expect(before.status).toBe('scheduled');
  });

  it('sends nothing and records nothing for a cancelled message, even once send_at has passed', async () => {
    reset();
    const sendAt = new Date(Date.now() + HOUR);
    const id = await schedule(sendAt);
    expect(await cancelScheduledMessage(db, projectId, id)).toEqual({ outcome: 'cancelled' });
    const before = await snapshot(id);

    for (const jobDomain of ['one.example', 'two.example']) {
      const result = await deliverMessage(depsAt(new Date(sendAt.getTime() + 1_000)), { messageId: id, domain: jobDomain });
      expect(result).toEqual({ retryAt: null });
    }

    expectNothingDone();
    expect(await snapshot(id)).toEqual(before);
    expect(before.status).toBe('cancelled');
    expect(before.recipients.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('releases the message to queued once send_at has come, then sends it signed, each domain once', async () => {
    reset();
    const sendAt = new Date(Date.now() + HOUR);
    const id = await schedule(sendAt);
    const after = new Date(sendAt.getTime() + 1_000);

    const first = await deliverMessage(depsAt(after), { messageId: id, domain: 'one.example' });
    expect(first).toEqual({ retryAt: null });
    expect(sent.map((s) => [s.mxHost, s.ip, s.envelope.to])).toEqual([['mx.one.example', '192.0.2.25', ['ann@one.example', 'bob@one.example']]]);
    expect(sent[0]?.message.toString('latin1')).toMatch(/^DKIM-Signature: /);
    expect(statusAtSend).toEqual(['queued']);
    // one domain done, the other still to go: no longer scheduled, so cancelling is now too late
    expect((await snapshot(id)).status).toBe('sending');
    expect(await cancelScheduledMessage(db, projectId, id)).toMatchObject({ outcome: 'not_scheduled' });

    const second = await deliverMessage(depsAt(after), { messageId: id, domain: 'two.example' });
    expect(second).toEqual({ retryAt: null });
    expect(sent.map((s) => s.envelope.to)).toEqual([['ann@one.example', 'bob@one.example'], ['cy@two.example']]);

    const done = await snapshot(id);
    expect(done.status).toBe('delivered');
    expect(done.recipients.map((r) => [r.email, r.status, r.attempts])).toEqual([
      ['ann@one.example', 'delivered', 1],
      ['bob@one.example', 'delivered', 1],
      ['cy@two.example', 'delivered', 1],
    ]);
    expect(done.events.filter((e) => e.startsWith('delivered'))).toHaveLength(3);
    expect(done.events.filter((e) => e.startsWith('cancelled'))).toEqual([]);
  });
});
