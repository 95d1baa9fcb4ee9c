import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomLoopback, startMxSink, TEST_MX_PORT, type MxSink } from '@herald/test/support/mx-sink.ts';
import { uniquePrefix } from '@herald/test/support/env.ts';
import { testSmtpDeps } from '@herald/test/support/smtp-deps.ts';
import type { Destination } from '../routing/destination.ts';
import { BUSY_WAIT_MS, deliverToDestinations, type DeliveryAttempt } from './deliver-to-destinations.ts';
import { SmtpSession } from './smtp-session.ts';

const message = () =>
  Buffer.from(`From: sender@herald.test\r\nTo: someone@recipient.test\r\nSubject: ${randomBytes(4).toString('hex')}\r\n\r\nHello.\r\n`);
const mx = (name: string, addresses: string[], tls: Destination['tls'] = 'opportunistic'): Destination => ({
  name,
  addresses,
  port: TEST_MX_PORT,
  tls,
  implicitTls: false,
});
const from = () => 'bounces+test@herald.test';
const repliesOf = (attempt: DeliveryAttempt) => {
  if (attempt.kind !== 'replies') throw new Error(`expected replies, got ${attempt.kind}`);
  return attempt.replies;
};

describe('deliverToDestinations', () => {
  const smtp = testSmtpDeps();
  let sink: MxSink;
  let rejecting: MxSink;

  beforeAll(async () => {
    sink = await startMxSink();
    rejecting = await startMxSink({ behaviour: { rcpt: () => ({ code: 550, message: '5.1.1 User unknown' }) } });
  });
  afterAll(async () => {
    await smtp.close();
    await Promise.all([sink?.close(), rejecting?.close()]);
  });

  it('falls through a refusing first MX to the second within one call, and names the second host and address', async () => {
    const before = sink.received.length;
    const sent = message();
    const attempt = await deliverToDestinations(smtp.deps, [mx('mx1.fall.test', [randomLoopback()]), mx('mx2.fall.test', [sink.host])], from, ['bob@fall.test'], sent);
    expect(attempt).toMatchObject({ kind: 'replies', host: 'mx2.fall.test', ip: sink.host });
    expect(repliesOf(attempt).get('bob@fall.test')?.code).toBe(250);
    expect(sink.received.slice(before).map((m) => m.rcptTo)).toEqual([['bob@fall.test']]);
    expect(sink.received.at(-1)?.raw.equals(sent)).toBe(true);
  });

  it('tries the next address of the same host before the next host', async () => {
    const attempt = await deliverToDestinations(
      smtp.deps,
      [mx('mx1.multi.test', [randomLoopback(), sink.host]), mx('mx2.multi.test', [rejecting.host])],
      from,
      ['bob@multi.test'],
      message(),
    );
    expect(attempt).toMatchObject({ kind: 'replies', host: 'mx1.multi.test', ip: sink.host });
  });

  it('stops at the first server that answers, even when its answer is a rejection', async () => {
    const before = sink.received.length;
    const attempt = await deliverToDestinations(smtp.deps, [mx('mx1.strict.test', [rejecting.host]), mx('mx2.strict.test', [sink.host])], from, ['bob@strict.test'], message());
    expect(attempt).toMatchObject({ kind: 'replies', host: 'mx1.strict.test' });
    expect(repliesOf(attempt).get('bob@strict.test')).toMatchObject({ code: 550, enhanced: '5.1.1' });
    expect(sink.received.length).toBe(before);
  });

  it('reports no session with a 4xx reply, naming the last host tried, when every host refuses', async () => {
    const lastIp = randomLoopback();
    const attempt = await deliverToDestinations(smtp.deps, [mx('mx1.down.test', [randomLoopback()]), mx('mx2.down.test', [lastIp])], from, ['bob@down.test'], message());
    expect(attempt).toMatchObject({ kind: 'no-session', host: 'mx2.down.test', ip: lastIp, reply: { code: 451 } });
  });

  it('reports no session with 4.4.1, and no host, when there is no host to try', async () => {
    const attempt = await deliverToDestinations(smtp.deps, [], from, ['bob@nowhere.test'], message());
    expect(attempt).toMatchObject({ kind: 'no-session', host: null, ip: null, reply: { code: 451, enhanced: '4.4.1' } });
  });

  it('reuses one session for consecutive messages to the same server', async () => {
    const reused = await startMxSink();
    try {
      for (let i = 0; i < 3; i++) {
        const attempt = await deliverToDestinations(smtp.deps, [mx('mx.reuse.test', [reused.host])], from, [`r${i}@reuse.test`], message());
        expect(repliesOf(attempt).get(`r${i}@reuse.test`)?.code).toBe(250);
      }
      expect(reused.received).toHaveLength(3);
      expect(reused.connections).toBe(1);
    } finally {
      await smtp.pool.closeAll();
      await reused.close();
    }
  });

  it('splits the recipients a 452 "too many recipients" refused into further transactions, each with its own envelope sender', async () => {
    const limited = await startMxSink({ behaviour: { maxRecipientsPerTransaction: 2 } });
    try {
      const recipients = ['a@split.test', 'b@split.test', 'c@split.test', 'd@split.test', 'e@split.test'];
      const senders: string[][] = [];
      const verp = (rcpts: string[]) => {
        senders.push(rcpts);
        return `bounces+${rcpts.length === 1 ? rcpts[0]?.split('@')[0] : 'msg'}@herald.test`;
      };
      const attempt = await deliverToDestinations(smtp.deps, [mx('mx.split.test', [limited.host])], verp, recipients, message());
      expect([...repliesOf(attempt).values()].map((r) => r.code)).toEqual([250, 250, 250, 250, 250]);
      expect(limited.received.map((m) => m.rcptTo)).toEqual([['a@split.test', 'b@split.test'], ['c@split.test', 'd@split.test'], ['e@split.test']]);
      expect(senders).toEqual([recipients, recipients.slice(2), recipients.slice(4)]);
      expect(limited.received.map((m) => m.mailFrom)).toEqual(['bounces+msg@herald.test', 'bounces+msg@herald.test', 'bounces+e@herald.test']);
      expect(limited.connections).toBe(1);
    } finally {
      await smtp.pool.closeAll();
      await limited.close();
    }
  });

  it('postpones without connecting when the destination is at its connection limit across workers', async () => {
    const capped = testSmtpDeps({ limits: { maxConnections: 1 } });
    const busy = await startMxSink();
    try {
      const held = await capped.limits.acquireSlot('mx.busy.test'); // another worker's connection
      expect(held).not.toBeNull();
      const attempt = await deliverToDestinations(capped.deps, [mx('mx.busy.test', [busy.host])], from, ['bob@busy.test'], message());
      expect(attempt).toMatchObject({ kind: 'postponed', reason: expect.stringContaining('connection limit') as unknown });
      expect(busy.connections).toBe(0);
      await capped.limits.releaseSlot('mx.busy.test', held as string);
      const retried = await deliverToDestinations(capped.deps, [mx('mx.busy.test', [busy.host])], from, ['bob@busy.test'], message());
      expect(repliesOf(retried).get('bob@busy.test')?.code).toBe(250);
    } finally {
      await capped.close();
      await busy.close();
    }
  });

  it('waits for a slot another worker gives back when it hears freed slots, instead of postponing', async () => {
    const prefix = uniquePrefix('smtp');
    const other = testSmtpDeps({ limits: { maxConnections: 1 }, prefix });
    const hearing = testSmtpDeps({ limits: { maxConnections: 1 }, prefix, hearFreedSlots: true });
    const busy = await startMxSink();
    try {
      const held = await other.limits.acquireSlot('mx.freed.test'); // the other worker's only connection
      expect(held).not.toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 100)); // the subscription is up
      const started = Date.now();
      const attempt = deliverToDestinations(hearing.deps, [mx('mx.freed.test', [busy.host])], from, ['bob@freed.test'], message());
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(busy.connections).toBe(0); // still waiting, not connected past the limit
      await other.limits.releaseSlot('mx.freed.test', held as string);
      const result = await attempt;
      expect(repliesOf(result).get('bob@freed.test')?.code).toBe(250);
      // woken by the announcement, not by the end of its wait
      expect(Date.now() - started).toBeLessThan(BUSY_WAIT_MS - 1_000);
      expect(busy.connections).toBe(1);
    } finally {
      await Promise.all([other.close(), hearing.close()]);
      await busy.close();
    }
  });

  it('holds at most its share of a destination’s connections while another worker delivers there too', async () => {
    const prefix = uniquePrefix('smtp');
    const workers = [1, 2].map(() => testSmtpDeps({ limits: { maxConnections: 4, shareEveryMs: 50 }, pool: { maxIdlePerKey: 4 }, prefix, hearFreedSlots: true }));
    const slow = await startMxSink({ behaviour: { data: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 20)) } });
    const mostOpen = [0, 0];
    try {
      // both say they are delivering, then read the count again: two workers, two connections each
      for (const w of workers) await w.limits.connectionShare();
      await new Promise((resolve) => setTimeout(resolve, 60));
      for (const w of workers) expect(await w.limits.connectionShare()).toBe(2);
      const attempts = await Promise.all(
        workers.flatMap((w, n) =>
          Array.from({ length: 8 }, async (_, i) => {
            const attempt = await deliverToDestinations(w.deps, [mx('mx.share.test', [slow.host])], from, [`w${n}r${i}@share.test`], message());
            mostOpen[n] = Math.max(mostOpen[n] as number, w.pool.openTo('mx.share.test'));
            return attempt;
          }),
        ),
      );
      expect(attempts.map((a) => (a.kind === 'postponed' ? a.reason : a.kind))).toEqual(new Array(16).fill('replies'));
      expect(slow.received.filter((m) => m.rcptTo[0]?.endsWith('@share.test'))).toHaveLength(16);
      expect(mostOpen).toEqual([2, 2]);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
      await slow.close();
    }
  });

  it('feeds the connections this worker holds to its deliveries waiting at the limit, back to back, never past the limit', async () => {
    const capped = testSmtpDeps({ limits: { maxConnections: 2 }, pool: { maxIdlePerKey: 2 } });
    let open = 0;
    let mostOpen = 0;
    const slow = await startMxSink({ behaviour: { data: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 20)) } });
    const counting = {
      ...capped.deps,
      open: async (options: Parameters<NonNullable<typeof capped.deps.open>>[0]) => {
        const session = await SmtpSession.open(options);
        mostOpen = Math.max(mostOpen, ++open);
        const quit = session.quit.bind(session);
        session.quit = async () => {
          open--;
          return quit();
        };
        return session;
      },
    };
    try {
      const attempts = await Promise.all(
        Array.from({ length: 12 }, (_, i) => deliverToDestinations(counting, [mx('mx.queue.test', [slow.host])], from, [`r${i}@queue.test`], message())),
      );
      // none postponed: each waited in the worker for a session the others gave back
      expect(attempts.map((a) => a.kind)).toEqual(new Array(12).fill('replies'));
      expect(slow.received.filter((m) => m.rcptTo[0]?.endsWith('@queue.test'))).toHaveLength(12);
      expect(slow.connections).toBe(2);
      expect(mostOpen).toBe(2);
      expect(capped.pool.openTo('mx.queue.test')).toBe(2);
    } finally {
      await capped.close();
      await slow.close();
    }
    expect(capped.pool.openTo('mx.queue.test')).toBe(0);
  });

  it('backs a destination off for every worker after a throttling reply, and goes back once the backoff ends', async () => {
    const quick = testSmtpDeps({ limits: { backoffBaseMs: 400, backoffMaxMs: 400 } });
    let throttle = true;
    const slow = await startMxSink({
      behaviour: { rcpt: () => (throttle ? { code: 421, message: '4.7.0 Try again later, closing connection' } : undefined) },
    });
    try {
      const first = await deliverToDestinations(quick.deps, [mx('mx.slow.test', [slow.host])], from, ['bob@slow.test'], message());
      expect(repliesOf(first).get('bob@slow.test')?.code).toBe(421);
      expect(await quick.limits.backedOffUntil('mx.slow.test')).toBeGreaterThan(Date.now());
      throttle = false;
      const connections = slow.connections;
      const second = await deliverToDestinations(quick.deps, [mx('mx.slow.test', [slow.host])], from, ['bob@slow.test'], message());
      expect(second).toMatchObject({ kind: 'postponed', reason: 'mx.slow.test asked to slow down' });
      expect(slow.connections).toBe(connections);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const third = await deliverToDestinations(quick.deps, [mx('mx.slow.test', [slow.host])], from, ['bob@slow.test'], message());
      expect(repliesOf(third).get('bob@slow.test')?.code).toBe(250);
    } finally {
      await quick.close();
      await slow.close();
    }
  });

  it('never falls back to clear text when TLS is required and the server does not offer STARTTLS', async () => {
    const plain = await startMxSink({ behaviour: { starttls: false } });
    try {
      const attempt = await deliverToDestinations(smtp.deps, [mx('mx.strip.test', [plain.host], 'required')], from, ['bob@strip.test'], message());
      expect(attempt).toMatchObject({ kind: 'no-session', reply: { code: 451, enhanced: '4.7.5' } });
      expect(plain.received).toHaveLength(0);
    } finally {
      await plain.close();
    }
  });

  it('retries in clear text, on a new connection, when an opportunistic STARTTLS handshake fails', async () => {
    const oldTls = await startMxSink({ behaviour: { tlsMaxVersion: 'TLSv1' } });
    try {
      const attempt = await deliverToDestinations(smtp.deps, [mx('mx.oldtls.test', [oldTls.host])], from, ['bob@oldtls.test'], message());
      expect(attempt).toMatchObject({ kind: 'replies', tls: null });
      expect(repliesOf(attempt).get('bob@oldtls.test')?.code).toBe(250);
      expect(oldTls.received.map((m) => m.secure)).toEqual([false]);
      expect(oldTls.connections).toBe(2);
    } finally {
      await smtp.pool.closeAll();
      await oldTls.close();
    }
  });

  it('does not retry in clear text when TLS is required and the handshake fails', async () => {
    const oldTls = await startMxSink({ behaviour: { tlsMaxVersion: 'TLSv1' } });
    try {
      const attempt = await deliverToDestinations(smtp.deps, [mx('mx.oldtls2.test', [oldTls.host], 'required')], from, ['bob@oldtls.test'], message());
      expect(attempt).toMatchObject({ kind: 'no-session', reply: { code: 451, enhanced: '4.7.5' } });
      expect(oldTls.received).toHaveLength(0);
      expect(oldTls.connections).toBe(1);
    } finally {
      await oldTls.close();
    }
  });

  it('refuses a certificate that does not verify when TLS is required', async () => {
    const selfSigned = await startMxSink();
    try {
      const attempt = await deliverToDestinations(smtp.deps, [mx('mx.selfsigned.test', [selfSigned.host], 'required')], from, ['bob@ss.test'], message());
      expect(attempt).toMatchObject({ kind: 'no-session', reply: { code: 451, enhanced: '4.7.5' } });
      expect(selfSigned.received).toHaveLength(0);
    } finally {
      await selfSigned.close();
    }
  });
});
