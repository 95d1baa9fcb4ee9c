import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';

describe('test mode: the whole pipeline, delivered to nobody', () => {
  let h: DeliveryHarness;
  const signedFor: string[] = [];

  beforeAll(async () => {
    h = await startDeliveryHarness('testmode');
    const keys = h.deps.keys;
    h.deps.keys = {
      async signingKeys(keyIds) {
        signedFor.push(keyIds.join(','));
        return keys.signingKeys(keyIds);
      },
    };
  });
  afterAll(() => h.close());

  const timeline = (id: string) =>
    h.db.event.findMany({ where: { messageId: id, NOT: { type: 'queued' } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });

  it('signs, records events and reaches no DNS server and no mail server, whatever the domain', async () => {
    const queries = h.dns.queries.length;
    const { id, jobs } = await h.accept({ to: [{ email: 'anyone@gmail.com' }] }, { test: true });
    const result = await h.deliver(jobs[0] as never);
    expect(result.retryAt).toBeNull();
    expect(h.dns.queries.length).toBe(queries);
    expect(signedFor.length).toBeGreaterThan(0);
    const [event] = await timeline(id);
    expect(event).toMatchObject({ type: 'delivered', smtpCode: 250, mxHost: null });
    expect(event?.smtpReply).toContain('test mode');
  });

  it('gives the magic addresses their outcomes: delivered, deferred then delivered, bounced, complained', async () => {
    const to = ['delivered', 'deferred', 'bounced', 'complained+tag'].map((local) => ({ email: `${local}@example.com` }));
    const { id, jobs } = await h.accept({ to }, { test: true });
    const first = await h.deliver(jobs[0] as never);
    expect(first.retryAt).not.toBeNull();
    h.now = first.retryAt as Date;
    await h.deliver(jobs[0] as never);

    const recipients = await h.db.recipient.findMany({ where: { messageId: id }, orderBy: { email: 'asc' } });
    expect(recipients.map((r) => [r.email, r.status])).toEqual([
      ['bounced@example.com', 'bounced'],
      ['complained+tag@example.com', 'complained'],
      ['deferred@example.com', 'delivered'],
      ['delivered@example.com', 'delivered'],
    ]);
    const events = (await timeline(id)).map((e) => `${e.email} ${e.type}`);
    expect(events).toEqual(
      expect.arrayContaining([
        'delivered@example.com delivered',
        'deferred@example.com deferred',
        'deferred@example.com delivered',
        'bounced@example.com bounced',
        'complained+tag@example.com delivered',
        'complained+tag@example.com complained',
      ]),
    );
    expect(events).toHaveLength(6);
    const suppressions = await h.db.suppression.findMany({ where: { projectId: h.projectId }, orderBy: { email: 'asc' } });
    expect(suppressions.map((s) => [s.email, s.reason])).toEqual([
      ['bounced@example.com', 'hard_bounce'],
      ['complained+tag@example.com', 'complaint'],
    ]);
  });
});
