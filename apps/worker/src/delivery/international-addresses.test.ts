import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressesOf, parseDelivered } from '@herald/test/support/delivered-mail.ts';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';
import { expectedReturnPath } from '@herald/test/support/return-path.ts';

/** The header block of a received message, read as UTF-8. */
const headerOf = (raw: Buffer) => raw.toString('utf8').split('\r\n\r\n')[0] as string;

/**
 * Internationalised addresses through the whole pipeline (RFC 6531, RFC 6532): built, stored, signed
 * and delivered with SMTPUTF8 to a server that offers it; bounced, without sending, by one that does not.
 */
describe('delivering mail with internationalised addresses', () => {
  let h: DeliveryHarness;
  let modern: MxSink;
  let legacy: MxSink;

  beforeAll(async () => {
    h = await startDeliveryHarness('eai');
    [modern, legacy] = await Promise.all([startMxSink(), startMxSink({ behaviour: { smtpUtf8: false } })]);
    h.routeDomain('modern.test', modern.host);
    h.routeDomain('legacy.test', legacy.host);
    // 例子.test, only ever looked up in A-label form
    h.routeDomain('xn--fsqu00a.test', modern.host);
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([modern?.close(), legacy?.close()]);
  });

  const recipients = (id: string) =>
    h.db.recipient.findMany({ where: { messageId: id }, orderBy: { email: 'asc' }, select: { id: true, email: true, status: true, lastCode: true } });
  const attemptEvents = (id: string) =>
    h.db.event.findMany({ where: { messageId: id, type: { notIn: ['queued'] } }, orderBy: { email: 'asc' }, select: { email: true, type: true, enhancedCode: true, category: true } });
  const deliverAll = async (jobs: { messageId: string; domain: string }[]) => {
    for (const job of jobs) await h.deliver(job);
  };

  it('delivers to UTF-8 mailboxes with SMTPUTF8: the exact addresses in RCPT TO and in the To header, readable and DKIM-verified', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'jürgen@modern.test', name: 'Jürgen' }, { email: '用户@modern.test' }], subject: 'Grüße' });
    await deliverAll(jobs);

    expect((await recipients(id)).map((r) => [r.email, r.status])).toEqual([
      ['jürgen@modern.test', 'delivered'],
      ['用户@modern.test', 'delivered'],
    ]);
    const received = modern.received.at(-1);
    expect(received?.mailParameters).toMatchObject({ SMTPUTF8: true });
    expect(received?.rcptTo).toEqual(['jürgen@modern.test', '用户@modern.test']);
    // the envelope sender stays ASCII: VERP names the message, never an address
    expect(received?.mailFrom).toBe(expectedReturnPath('message', id, h.senderDomain));
    expect(headerOf(received?.raw as Buffer)).toMatch(/^To: =\?UTF-8\?Q\?J=C3=BCrgen\?= <jürgen@modern\.test>, 用户@modern\.test$/m);
    const parsed = await parseDelivered(received?.raw as Buffer);
    expect(addressesOf(parsed.to)).toEqual([
      { address: 'jürgen@modern.test', name: 'Jürgen' },
      { address: '用户@modern.test', name: '' },
    ]);
    expect(parsed.subject).toBe('Grüße');
    expect(await verifyDkim(received?.raw as Buffer, h.dns)).toEqual([expect.objectContaining({ domain: h.senderDomain, result: 'pass' })]);
  });

  it('bounces a UTF-8 mailbox whose server does not offer SMTPUTF8 with 5.6.7, category smtputf8, sends nothing and suppresses nothing', async () => {
    const started = legacy.transactionsStarted.length;
    const { id, jobs } = await h.accept({ to: [{ email: 'jürgen@legacy.test' }] });
    const result = await h.deliver(jobs[0] as never);

    expect(result.retryAt).toBeNull();
    expect(legacy.transactionsStarted.length).toBe(started);
    expect((await recipients(id)).map((r) => [r.email, r.status, r.lastCode])).toEqual([['jürgen@legacy.test', 'bounced', 553]]);
    expect(await attemptEvents(id)).toEqual([{ email: 'jürgen@legacy.test', type: 'bounced', enhancedCode: '5.6.7', category: 'smtputf8' }]);
    expect((await h.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('bounced');
    expect(await h.db.suppression.count({ where: { projectId: h.projectId } })).toBe(0);
  });

  it('bounces the ASCII recipient of a message whose To header holds a UTF-8 address when its server lacks SMTPUTF8 (5.6.9), and delivers the other', async () => {
    const started = legacy.transactionsStarted.length;
    const { id, jobs } = await h.accept({ to: [{ email: 'ann@legacy.test' }, { email: 'jürgen@modern.test' }] });
    await deliverAll(jobs);

    expect(legacy.transactionsStarted.length).toBe(started);
    expect(await attemptEvents(id)).toEqual([
      { email: 'ann@legacy.test', type: 'bounced', enhancedCode: '5.6.9', category: 'smtputf8' },
      { email: 'jürgen@modern.test', type: 'delivered', enhancedCode: '2.0.0', category: null },
    ]);
    expect((await h.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('partially_delivered');
  });

  it('delivers the ASCII recipient normally, 7-bit and without SMTPUTF8, when the UTF-8 one is a Bcc', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'ann@legacy.test' }], bcc: [{ email: 'jürgen@modern.test' }] });
    await deliverAll(jobs);

    expect((await recipients(id)).map((r) => [r.email, r.status])).toEqual([
      ['ann@legacy.test', 'delivered'],
      ['jürgen@modern.test', 'delivered'],
    ]);
    const ascii = legacy.received.at(-1);
    expect(ascii?.mailParameters).not.toHaveProperty('SMTPUTF8');
    expect([...(ascii?.raw ?? [])].every((octet) => octet < 0x80)).toBe(true);
    const [jurgen] = (await recipients(id)).filter((r) => r.email === 'jürgen@modern.test');
    expect(modern.received.at(-1)).toMatchObject({ rcptTo: ['jürgen@modern.test'], mailFrom: expectedReturnPath('recipient', jurgen?.id as string, h.senderDomain), mailParameters: { SMTPUTF8: true } });
    expect(await verifyDkim(ascii?.raw as Buffer, h.dns)).toEqual([expect.objectContaining({ result: 'pass' })]);
  });

  it('looks an internationalised domain up in A-label form (the only form the test DNS knows) beside a UTF-8 local part', async () => {
    // as intake stores it (the API's validation turns 例子.test into A-labels)
    const { id, jobs } = await h.accept({ to: [{ email: '用户@xn--fsqu00a.test' }] });
    expect(jobs).toEqual([{ messageId: id, domain: 'xn--fsqu00a.test' }]);
    await deliverAll(jobs);
    expect((await recipients(id)).map((r) => [r.email, r.status])).toEqual([['用户@xn--fsqu00a.test', 'delivered']]);
    const received = modern.received.at(-1);
    // smtp-server shows the domain it was sent as U-labels; the header keeps the A-labels Herald stores
    expect(received?.rcptTo).toEqual(['用户@例子.test']);
    expect(headerOf(received?.raw as Buffer)).toMatch(/^To: 用户@xn--fsqu00a\.test$/m);
  });

  it('sends from a UTF-8 local part on the verified domain with SMTPUTF8, its From header signed and oversigned', async () => {
    const { id, jobs } = await h.accept({ from: { email: `jürgen@${h.senderDomain}`, name: 'Jürgen' }, to: [{ email: 'ann@modern.test' }] });
    await deliverAll(jobs);

    expect((await h.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('delivered');
    const received = modern.received.at(-1)?.raw as Buffer;
    expect(modern.received.at(-1)?.mailParameters).toMatchObject({ SMTPUTF8: true });
    expect(headerOf(received)).toContain(`From: =?UTF-8?Q?J=C3=BCrgen?= <jürgen@${h.senderDomain}>`);
    expect(await verifyDkim(received, h.dns)).toEqual([expect.objectContaining({ domain: h.senderDomain, result: 'pass' })]);
    // a second From added after signing breaks the signature
    const forged = Buffer.concat([Buffer.from(`From: boss@${h.senderDomain}\r\n`), received]);
    expect((await verifyDkim(forged, h.dns)).map((r) => r.result)).not.toContain('pass');
  });
});
