import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';

describe('a domain with an Ed25519 key as well', () => {
  let h: DeliveryHarness;
  let sink: MxSink;

  beforeAll(async () => {
    h = await startDeliveryHarness('ed25519', {}, { ed25519: true });
    sink = await startMxSink();
    h.routeDomain('two-sigs.test', sink.host);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  it('signs every message twice, RSA-SHA256 and Ed25519-SHA256, and both verify at the MX', async () => {
    const { jobs } = await h.accept({ to: [{ email: 'ann@two-sigs.test' }] });
    await h.deliver(jobs[0] as never);
    const received = sink.received.at(-1)?.raw as Buffer;
    const signatures = await verifyDkim(received, h.dns);
    expect(signatures.map((s) => [s.algorithm, s.result]).sort()).toEqual([
      ['ed25519-sha256', 'pass'],
      ['rsa-sha256', 'pass'],
    ]);
    expect(received.toString('latin1')).not.toMatch(/a=rsa-sha1|; l=/);
  });
});
