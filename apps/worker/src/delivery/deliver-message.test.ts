import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';
import { expectedReturnPath } from '@herald/test/support/return-path.ts';

const MINUTE = 60_000;

describe('the delivery pipeline against a real DNS server, Postgres and SMTP sinks', () => {
  let h: DeliveryHarness;
  let sink: MxSink;
  let acceptBusy = false;

  beforeAll(async () => {
    h = await startDeliveryHarness('pipeline');
    sink = await startMxSink({
      behaviour: {
        rcpt: (address) => {
          const local = address.split('@')[0];
          if (local === 'nobody') return { code: 550, message: '5.1.1 <nobody>: Recipient address rejected: User unknown' };
          if (local === 'busy' && !acceptBusy) return { code: 451, message: '4.2.1 Mailbox busy, try later' };
          if (local === 'slow') return { code: 421, message: '4.7.0 Too many messages, slow down' };
          return undefined;
        },
      },
    });
    h.routeDomain('mixed.test', sink.host);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  const recipients = (id: string) =>
    h.db.recipient.findMany({ where: { messageId: id }, orderBy: { email: 'asc' }, select: { email: true, status: true, attempts: true, lastCode: true } });
  const events = (id: string) =>
    h.db.event.findMany({ where: { messageId: id, NOT: { type: 'queued' } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

  it('fails, unsigned and unsent, a message whose sending domain is gone: set to null, or still named by a message accepted while it was deleted', async () => {
    const before = sink.received.length;
    for (const domainId of [null, 'dom_deleted_meanwhile']) {
      const { id, jobs } = await h.accept({ to: [{ email: 'ok@mixed.test' }] });
      await h.db.message.update({ where: { id }, data: { domainId } });
      await h.deliver(jobs[0] as never);
      expect(await recipients(id), String(domainId)).toEqual([{ email: 'ok@mixed.test', status: 'failed', attempts: 1, lastCode: 550 }]);
    }
    expect(sink.received.length).toBe(before);
  });

  it('gives each recipient of one transaction its own outcome, retries the deferred one alone, and suppresses the hard bounce', async () => {
    acceptBusy = false;
    const { id, jobs } = await h.accept({ to: [{ email: 'ok@mixed.test' }, { email: 'busy@mixed.test' }, { email: 'nobody@mixed.test' }] });
    expect(jobs).toEqual([{ messageId: id, domain: 'mixed.test' }]);
    const before = sink.received.length;

    const first = await h.deliver(jobs[0] as never);

    expect(sink.received.slice(before).map((m) => m.rcptTo)).toEqual([['ok@mixed.test']]);
    expect(await recipients(id)).toEqual([
      { email: 'busy@mixed.test', status: 'deferred', attempts: 1, lastCode: 451 },
      { email: 'nobody@mixed.test', status: 'bounced', attempts: 1, lastCode: 550 },
      { email: 'ok@mixed.test', status: 'delivered', attempts: 1, lastCode: 250 },
    ]);
    expect(first.retryAt?.getTime()).toBe(h.now.getTime() + MINUTE);
    const suppression = await h.db.suppression.findUnique({ where: { projectId_email: { projectId: h.projectId, email: 'nobody@mixed.test' } } });
    expect(suppression).toMatchObject({ reason: 'hard_bounce', sourceMessageId: id });
    expect((await h.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('deferred');

    acceptBusy = true;
    h.now = new Date(h.now.getTime() + MINUTE);
    const second = await h.deliver(jobs[0] as never);

    expect(second.retryAt).toBeNull();
    expect(sink.received.slice(before).map((m) => m.rcptTo)).toEqual([['ok@mixed.test'], ['busy@mixed.test']]);
    expect((await recipients(id)).map((r) => [r.email, r.status, r.attempts])).toEqual([
      ['busy@mixed.test', 'delivered', 2],
      ['nobody@mixed.test', 'bounced', 1],
      ['ok@mixed.test', 'delivered', 1],
    ]);
    expect((await h.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('partially_delivered');
    const delivered = (await events(id)).filter((e) => e.type === 'delivered');
    expect(delivered.map((e) => e.email).sort()).toEqual(['busy@mixed.test', 'ok@mixed.test']);
    expect(delivered.every((e) => e.mxHost === 'mx1.mixed.test' && e.mxIp === sink.host && e.tlsVersion !== null)).toBe(true);
  });

  it('uses a signed return path naming the recipient (VERP) on the sending domain', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'verp@mixed.test' }] });
    await h.deliver(jobs[0] as never);
    const [recipient] = await h.db.recipient.findMany({ where: { messageId: id } });
    expect(sink.received.at(-1)?.mailFrom).toBe(expectedReturnPath('recipient', recipient?.id as string, h.senderDomain));
  });

  it('retries on the schedule, then fails with 4.4.7 past the maximum age without connecting again', async () => {
    acceptBusy = false;
    const start = h.now;
    const { id, jobs } = await h.accept({ to: [{ email: 'busy@mixed.test' }] });
    const job = jobs[0] as never;
    const first = await h.deliver(job);
    expect(first.retryAt?.getTime()).toBe(start.getTime() + MINUTE);
    h.now = first.retryAt as Date;
    const second = await h.deliver(job);
    expect(second.retryAt?.getTime()).toBe(h.now.getTime() + 5 * MINUTE);
    const connections = sink.connections;

    h.now = new Date(start.getTime() + 61 * MINUTE); // past the harness's maximum age of one hour
    const last = await h.deliver(job);

    expect(last.retryAt).toBeNull();
    expect(sink.connections).toBe(connections);
    expect(await recipients(id)).toEqual([{ email: 'busy@mixed.test', status: 'failed', attempts: 3, lastCode: 451 }]);
    const timeline = await events(id);
    expect(timeline.map((e) => [e.type, e.attempt])).toEqual([
      ['deferred', 1],
      ['deferred', 2],
      ['failed', 3],
    ]);
    expect(timeline[2]).toMatchObject({ enhancedCode: '4.4.7', category: 'expired' });
    expect((await h.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('failed');
  });

  it('running the same attempt twice records it once', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'twice@mixed.test' }] });
    await h.deliver(jobs[0] as never);
    const result = await h.deliver(jobs[0] as never); // the job re-run after a crash: nothing left to do
    expect(result.retryAt).toBeNull();
    expect((await events(id)).map((e) => e.type)).toEqual(['delivered']);
  });

  it('bounces a null-MX domain with 5.1.10 without connecting, and an NXDOMAIN one with 5.1.2; defers on SERVFAIL; each with category dns', async () => {
    h.dns.set('nullmx.test', [{ type: 'MX', preference: 0, exchange: '.' }]);
    h.dns.set('servfail.test', [{ type: 'MX', preference: 10, exchange: 'mx.servfail.test' }]);
    h.dns.failWith('servfail.test', 'servfail');
    const outcomes: Record<string, unknown> = {};
    for (const domain of ['nullmx.test', 'does-not-exist.test', 'servfail.test']) {
      const { id, jobs } = await h.accept({ to: [{ email: `x@${domain}` }] });
      await h.deliver(jobs[0] as never);
      const [event] = await events(id);
      outcomes[domain] = [event?.type, event?.enhancedCode, event?.mxHost, event?.category];
    }
    expect(outcomes).toEqual({
      'nullmx.test': ['bounced', '5.1.10', null, 'dns'],
      'does-not-exist.test': ['bounced', '5.1.2', null, 'dns'],
      'servfail.test': ['deferred', '4.4.3', null, 'dns'],
    });
  });

  it('holds the mail of a domain that stopped being verified (deferred, never sent with a broken signature)', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'held@mixed.test' }] });
    const domain = await h.db.domain.findFirstOrThrow({ where: { projectId: h.projectId } });
    await h.db.domain.update({ where: { id: domain.id }, data: { status: 'failed' } });
    try {
      const connections = sink.connections;
      await h.deliver(jobs[0] as never);
      expect(sink.connections).toBe(connections);
      expect((await events(id)).map((e) => [e.type, e.enhancedCode])).toEqual([['deferred', '4.7.5']]);
    } finally {
      await h.db.domain.update({ where: { id: domain.id }, data: { status: 'verified' } });
    }
  });

  it('backs a throttling destination off for every worker: the next job is postponed without an attempt', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'slow@mixed.test' }] });
    await h.deliver(jobs[0] as never);
    expect((await events(id)).map((e) => [e.type, e.smtpCode, e.category])).toEqual([['deferred', 421, 'throttled']]);

    const other = await h.accept({ to: [{ email: 'ok2@mixed.test' }] });
    const connections = sink.connections;
    const postponed = await h.deliver(other.jobs[0] as never);

    expect(postponed.retryAt?.getTime()).toBeGreaterThan(Date.now());
    expect(sink.connections).toBe(connections);
    expect(await events(other.id)).toEqual([]);
    expect((await recipients(other.id))[0]?.status).toBe('queued');
    // nothing was sent, so nothing stays claimed: the job that comes back claims the recipient again
    expect((await h.db.recipient.findFirstOrThrow({ where: { messageId: other.id } })).sendingUntil).toBeNull();
  });
});
