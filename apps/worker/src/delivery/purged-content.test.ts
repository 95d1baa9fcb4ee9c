import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';

/**
 * The delivery's load reads a message's content from message_contents in the same statement as the
 * rest: a message whose content is gone (no row) is not sent, and its recipients fail for good.
 */
describe('a message whose content was removed before delivery', () => {
  let h: DeliveryHarness;
  let sink: MxSink;

  beforeAll(async () => {
    h = await startDeliveryHarness('purged');
    sink = await startMxSink();
    h.routeDomain('purged.test', sink.host);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  it('is not sent, and its recipient fails for good with 5.3.0', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'ann@purged.test' }] });
    await h.db.message.update({ where: { id }, data: { content: { delete: true } } });
    const before = sink.received.length;

    await h.deliver(jobs[0] as never);

    expect(sink.received.length).toBe(before);
    expect(await h.db.recipient.findFirstOrThrow({ where: { messageId: id } })).toMatchObject({ status: 'failed', lastEnhanced: '5.3.0' });
  });

  it('is sent whole while its content is there', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'bob@purged.test' }] });
    const stored = Buffer.from((await h.db.messageContent.findUniqueOrThrow({ where: { id } })).raw);

    await h.deliver(jobs[0] as never);

    const received = sink.received.at(-1)?.raw as Buffer;
    // after the signature, the stored bytes and the line ending that ends the DATA
    const sent = Buffer.concat([stored, Buffer.from('\r\n')]);
    expect(received.subarray(received.length - sent.length).equals(sent)).toBe(true);
    expect(await h.db.recipient.findFirstOrThrow({ where: { messageId: id } })).toMatchObject({ status: 'delivered' });
  });
});
