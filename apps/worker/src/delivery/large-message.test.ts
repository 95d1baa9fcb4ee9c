import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';
import { deliverToDestinations } from '../smtp/deliver-to-destinations.ts';
import { FifoBudget } from './fifo-budget.ts';

/**
 * A message of several MB is read from Postgres in slices (not as one hex string twice its size) and
 * sent slice by slice: it must arrive byte for byte, with lines starting with a dot intact, and signed.
 */
describe('a message of several MB', () => {
  let h: DeliveryHarness;
  let sink: MxSink;

  beforeAll(async () => {
    h = await startDeliveryHarness('large');
    sink = await startMxSink();
    h.routeDomain('large.test', sink.host);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  it('arrives whole (read in 1 MB slices, written to the socket in slices), dot lines intact, and DKIM verifies', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'ann@large.test' }] });
    const attachment = randomBytes(7 * 1024 * 1024);
    const raw = Buffer.from(
      [
        `From: sender@${h.senderDomain}`,
        'To: ann@large.test',
        'Subject: large',
        `Message-ID: <${id}@${h.senderDomain}>`,
        'Date: Sat, 28 Nov 2026 10:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        '.a line that starts with a dot',
        '--b',
        'Content-Type: application/octet-stream',
        'Content-Transfer-Encoding: base64',
        '',
        ...(attachment.toString('base64').match(/.{1,76}/g) as string[]),
        '--b--',
        '',
      ].join('\r\n'),
      'latin1',
    );
    await h.db.message.update({ where: { id }, data: { content: { update: { raw: new Uint8Array(raw) } }, rawSize: raw.length } });

    await h.deliver(jobs[0] as never);

    const received = sink.received.at(-1)?.raw as Buffer;
    expect(received.subarray(received.length - raw.length).equals(raw)).toBe(true);
    const [signature] = await verifyDkim(received, h.dns);
    expect(signature).toMatchObject({ domain: h.senderDomain, result: 'pass' });
    const parsed = await simpleParser(received);
    expect(parsed.attachments[0]?.content.equals(attachment)).toBe(true);
  });

  it('holds no more large messages at once than the content budget allows, each sent whole, the budget given back', async () => {
    const h2 = await startDeliveryHarness('budget', { contentBudget: new FifoBudget(900 * 1024) });
    try {
      h2.routeDomain('large.test', sink.host);
      let sending = 0;
      let most = 0;
      h2.deps.deliver = async (...args) => {
        sending += 1;
        most = Math.max(most, sending);
        await new Promise((resolve) => setTimeout(resolve, 100));
        try {
          return await deliverToDestinations(...args);
        } finally {
          sending -= 1;
        }
      };
      const raws: Buffer[] = [];
      const jobs = [];
      for (let i = 0; i < 4; i++) {
        const accepted = await h2.accept({ to: [{ email: `ann${i}@large.test` }] });
        // 400 KB each: over the size a batch loads with its rows, so each is read on its own, under the budget
        const raw = Buffer.from(`From: sender@${h2.senderDomain}\r\nTo: ann${i}@large.test\r\nSubject: large ${i}\r\nMessage-ID: <${accepted.id}@${h2.senderDomain}>\r\n\r\n${'x'.repeat(76).concat('\r\n').repeat(5_200)}`, 'latin1');
        await h2.db.message.update({ where: { id: accepted.id }, data: { content: { update: { raw: new Uint8Array(raw) } }, rawSize: raw.length } });
        raws.push(raw);
        jobs.push(accepted.jobs[0]);
      }
      const before = sink.received.length;
      await Promise.all(jobs.map((job) => h2.deliver(job as never)));
      // 900 KB holds two messages of 400 KB, not three
      expect(most).toBe(2);
      expect((h2.deps.contentBudget as FifoBudget).inUse).toBe(0);
      const arrived = sink.received.slice(before).map((m) => m.raw);
      expect(arrived).toHaveLength(4);
      for (const raw of raws) expect(arrived.some((r) => r.subarray(r.length - raw.length).equals(raw))).toBe(true);
    } finally {
      await h2.close();
    }
  });
});
