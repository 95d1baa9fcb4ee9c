import { afterAll, describe, expect, it } from 'vitest';
import { startChunkingMx } from '@herald/test/support/chunking-mx.ts';
import { randomLoopback } from '@herald/test/support/mx-sink.ts';
import { TEST_TIMEOUTS, testSmtpDeps } from '@herald/test/support/smtp-deps.ts';
import type { Destination } from '../routing/destination.ts';
import { deliverToDestinations, type DeliveryAttempt } from './deliver-to-destinations.ts';

/**
 * The delivery rules over BDAT (RFC 3030), where a server offers CHUNKING with PIPELINING: each
 * recipient its own outcome from its RCPT reply or the reply to BDAT, "too many recipients" split into
 * another transaction, a server that never answers the chunk deferring (not dropping) every recipient,
 * and the message arriving byte for byte, lines starting with "." included (no dot-stuffing).
 */
const smtp = testSmtpDeps();
afterAll(() => smtp.close());

const mx = (name: string, host: string, port: number): Destination => ({ name, addresses: [host], port, tls: 'opportunistic', implicitTls: false });
const from = () => 'bounces+test@herald.test';
const message = Buffer.from('From: sender@herald.test\r\nTo: someone@bdat.test\r\nSubject: chunked\r\n\r\n.leading dot\r\n.\r\n..two dots\r\nend\r\n');
const repliesOf = (attempt: DeliveryAttempt) => {
  if (attempt.kind !== 'replies') throw new Error(`expected replies, got ${attempt.kind}`);
  return attempt.replies;
};

describe('transactions by BDAT', () => {
  it('gives each recipient its own outcome (250, 451, 550 at RCPT) and sends the message as it is to the accepted one', async () => {
    const server = await startChunkingMx(randomLoopback(), {
      rcpt: (address) => (address.startsWith('later') ? { code: 451, message: '4.2.1 try later' } : address.startsWith('gone') ? { code: 550, message: '5.1.1 no such user' } : { code: 250, message: '2.1.5 ok' }),
    });
    try {
      const attempt = await deliverToDestinations(smtp.deps, [mx('mx.bdat.test', server.host, server.port)], from, ['ok@bdat.test', 'later@bdat.test', 'gone@bdat.test'], message);
      const replies = repliesOf(attempt);
      expect([replies.get('ok@bdat.test')?.code, replies.get('later@bdat.test')?.code, replies.get('gone@bdat.test')?.code]).toEqual([250, 451, 550]);
      expect(server.received).toHaveLength(1);
      expect(server.received[0]?.rcptTo).toEqual(['ok@bdat.test']);
      expect(server.received[0]?.raw.equals(message)).toBe(true);
    } finally {
      await smtp.pool.closeAll();
      await server.close();
    }
  });

  it('moves the recipients refused with "too many recipients" to another transaction', async () => {
    let inTransaction = 0;
    const server = await startChunkingMx(randomLoopback(), {
      rcpt: () => (++inTransaction > 2 ? { code: 452, message: '4.5.3 too many recipients' } : { code: 250, message: '2.1.5 ok' }),
      bdat: () => {
        inTransaction = 0;
        return { code: 250, message: '2.0.0 queued' };
      },
    });
    try {
      const recipients = ['a@bdat.test', 'b@bdat.test', 'c@bdat.test', 'd@bdat.test'];
      const attempt = await deliverToDestinations(smtp.deps, [mx('mx.split.bdat.test', server.host, server.port)], from, recipients, message);
      expect(recipients.map((r) => repliesOf(attempt).get(r)?.code)).toEqual([250, 250, 250, 250]);
      expect(server.received.map((m) => m.rcptTo)).toEqual([recipients.slice(0, 2), recipients.slice(2)]);
    } finally {
      await smtp.pool.closeAll();
      await server.close();
    }
  });

  it('defers every recipient when the server never answers the chunk, within the data timeout', async () => {
    const server = await startChunkingMx(randomLoopback(), { bdat: () => 'hang' });
    try {
      const started = Date.now();
      const quick = { ...smtp.deps, timeouts: { ...TEST_TIMEOUTS, dataMs: 500 } };
      const attempt = await deliverToDestinations(quick, [mx('mx.hang.bdat.test', server.host, server.port)], from, ['a@bdat.test', 'b@bdat.test'], message);
      const replies = repliesOf(attempt);
      for (const r of ['a@bdat.test', 'b@bdat.test']) expect(replies.get(r)?.code).toBeGreaterThanOrEqual(400);
      for (const r of ['a@bdat.test', 'b@bdat.test']) expect(replies.get(r)?.code).toBeLessThan(500);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await smtp.pool.closeAll();
      await server.close();
    }
  });
});
