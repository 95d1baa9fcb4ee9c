import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMxSink, TEST_MX_PORT, type MxSink } from '@herald/test/support/mx-sink.ts';
import { testSmtpDeps } from '@herald/test/support/smtp-deps.ts';
import type { Destination } from '../routing/destination.ts';
import { deliverToDestinations, type DeliveryAttempt } from './deliver-to-destinations.ts';

const mx = (host: string): Destination[] => [{ name: 'mx.utf8.test', addresses: [host], port: TEST_MX_PORT, tls: 'opportunistic', implicitTls: false }];
const from = () => 'bounces+rcp_1@herald.test';
const message = (to: string, body = 'Hello.') =>
  Buffer.from(`From: sender@herald.test\r\nTo: ${to}\r\nSubject: ${randomBytes(4).toString('hex')}\r\n\r\n${body}\r\n`, 'utf8');
const repliesOf = (attempt: DeliveryAttempt) => {
  if (attempt.kind !== 'replies') throw new Error(`expected replies, got ${attempt.kind}`);
  return Object.fromEntries([...attempt.replies].map(([r, reply]) => [r, `${reply.code} ${reply.enhanced}`]));
};

/**
 * Internationalised mail at the SMTP layer (RFC 6531): with SMTPUTF8 where the message or a recipient
 * needs it and the server offers it; never sent to a server that does not offer it.
 */
describe('SMTPUTF8 toward the receiving server', () => {
  const smtp = testSmtpDeps();
  let modern: MxSink;
  let legacy: MxSink;
  let no8bit: MxSink;

  beforeAll(async () => {
    [modern, legacy, no8bit] = await Promise.all([
      startMxSink({ behaviour: { rcpt: (address) => (address.startsWith('gone') ? { code: 550, message: `5.1.1 <${address}>: no such user` } : undefined) } }),
      startMxSink({ behaviour: { smtpUtf8: false } }),
      startMxSink({ behaviour: { eightBitMime: false } }),
    ]);
  });
  afterAll(async () => {
    await smtp.close();
    await Promise.all([modern?.close(), legacy?.close(), no8bit?.close()]);
  });

  it('sends MAIL FROM … SMTPUTF8 and the exact UTF-8 address in RCPT TO to a server that offers SMTPUTF8', async () => {
    const sent = message('用户@utf8.test, jürgen@utf8.test');
    const attempt = await deliverToDestinations(smtp.deps, mx(modern.host), from, ['jürgen@utf8.test', '用户@utf8.test'], sent);
    expect(repliesOf(attempt)).toEqual({ 'jürgen@utf8.test': '250 2.0.0', '用户@utf8.test': '250 2.0.0' });
    const received = modern.received.at(-1);
    expect(received).toMatchObject({ mailFrom: 'bounces+rcp_1@herald.test', rcptTo: ['jürgen@utf8.test', '用户@utf8.test'] });
    // BODY=8BITMIME too: the header is 8-bit content (RFC 6531 §1.2)
    expect(received?.mailParameters).toEqual({ BODY: '8BITMIME', SMTPUTF8: true });
    expect(received?.raw.equals(sent)).toBe(true);
  });

  it('sends SMTPUTF8 for a UTF-8 header even when every recipient is ASCII', async () => {
    await deliverToDestinations(smtp.deps, mx(modern.host), from, ['ann@utf8.test'], message('jürgen@other.test'));
    expect(modern.received.at(-1)).toMatchObject({ rcptTo: ['ann@utf8.test'], mailParameters: { SMTPUTF8: true } });
  });

  it('sends SMTPUTF8 without BODY= for a 7-bit message to a UTF-8 recipient (a Bcc)', async () => {
    await deliverToDestinations(smtp.deps, mx(modern.host), from, ['jürgen@utf8.test'], message('ann@utf8.test'));
    expect(modern.received.at(-1)?.mailParameters).toEqual({ SMTPUTF8: true });
  });

  it('never sends SMTPUTF8 (or BODY=) for a 7-bit message, to the same server', async () => {
    const sent = message('ann@utf8.test');
    await deliverToDestinations(smtp.deps, mx(modern.host), from, ['ann@utf8.test'], sent);
    expect(modern.received.at(-1)?.mailParameters).toEqual({});
  });

  it('sends BODY=8BITMIME with an 8-bit body where 8BITMIME is offered, and not where it is not', async () => {
    const sent = message('ann@utf8.test', 'Grüße');
    await deliverToDestinations(smtp.deps, mx(modern.host), from, ['ann@utf8.test'], sent);
    expect(modern.received.at(-1)?.mailParameters).toEqual({ BODY: '8BITMIME' });
    await deliverToDestinations(smtp.deps, mx(no8bit.host), from, ['ann@utf8.test'], sent);
    expect(no8bit.received.at(-1)?.mailParameters).toEqual({});
  });

  it("reads a server's UTF-8 reply naming the address as UTF-8 text", async () => {
    const attempt = await deliverToDestinations(smtp.deps, mx(modern.host), from, ['gone-jürgen@utf8.test'], message('gone-jürgen@utf8.test'));
    if (attempt.kind !== 'replies') throw new Error(attempt.kind);
    expect(attempt.replies.get('gone-jürgen@utf8.test')?.text).toBe('550 5.1.1 <gone-jürgen@utf8.test>: no such user');
  });

  it('refuses a UTF-8 recipient with 553 5.6.7 at a server without SMTPUTF8, and sends it nothing', async () => {
    const started = legacy.transactionsStarted.length;
    const attempt = await deliverToDestinations(smtp.deps, mx(legacy.host), from, ['jürgen@utf8.test'], message('jürgen@utf8.test'));
    expect(repliesOf(attempt)).toEqual({ 'jürgen@utf8.test': '553 5.6.7' });
    expect(attempt).toMatchObject({ host: 'mx.utf8.test', ip: legacy.host });
    expect(legacy.transactionsStarted.length).toBe(started);
    expect(legacy.received).toHaveLength(0);
  });

  it('refuses every recipient of a message with a UTF-8 header at a server without SMTPUTF8 (5.6.9 for the ASCII ones)', async () => {
    const started = legacy.transactionsStarted.length;
    const attempt = await deliverToDestinations(smtp.deps, mx(legacy.host), from, ['ann@utf8.test', 'bob@utf8.test'], message('jürgen@other.test, ann@utf8.test'));
    expect(repliesOf(attempt)).toEqual({ 'ann@utf8.test': '550 5.6.9', 'bob@utf8.test': '550 5.6.9' });
    expect(legacy.transactionsStarted.length).toBe(started);
  });

  it('sends the ASCII recipients of a 7-bit message without SMTPUTF8 and refuses only the UTF-8 one, at a server without it', async () => {
    // the UTF-8 recipient is a Bcc: nothing in the header needs SMTPUTF8
    const attempt = await deliverToDestinations(smtp.deps, mx(legacy.host), from, ['ann@utf8.test', 'jürgen@utf8.test', 'bob@utf8.test'], message('ann@utf8.test'));
    expect(repliesOf(attempt)).toEqual({ 'ann@utf8.test': '250 2.0.0', 'jürgen@utf8.test': '553 5.6.7', 'bob@utf8.test': '250 2.0.0' });
    expect(legacy.received.at(-1)).toMatchObject({ rcptTo: ['ann@utf8.test', 'bob@utf8.test'] });
    expect(legacy.received.at(-1)?.mailParameters).not.toHaveProperty('SMTPUTF8');
  });
});
