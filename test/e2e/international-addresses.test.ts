import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addressesOf, parseDelivered } from '../support/delivered-mail.ts';
import { verifyDkim } from '../support/dkim-verify.ts';
import { uniqueName } from '../support/env.ts';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';
import { startMxSink, type MxSink } from '../support/mx-sink.ts';
import { expectedReturnPath } from '../support/return-path.ts';
import { authenticatedSession, RawSmtpClient } from '../support/smtp-client.ts';

/** A line as the UTF-8 octets a client writes (the raw client writes a string's chars as octets). */
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
const headerOf = (raw: Buffer) => raw.toString('utf8').split('\r\n\r\n')[0] as string;

interface EventView {
  type: string;
  recipient: string;
  category: string | null;
  smtp: { code: number; enhanced_code: string | null } | null;
}

/**
 * Internationalised addresses (RFC 6531, RFC 6532) through real processes: the API, the SMTP
 * submission listener and a worker, a DNS server, an MX that offers SMTPUTF8 (the stack's) and one
 * that does not.
 */
describe('internationalised addresses end to end', () => {
  let stack: HeraldStack;
  let legacy: MxSink;
  let legacyDomain: string;

  beforeAll(async () => {
    stack = await startHeraldStack({ label: 'eai', smtp: true });
    legacy = await startMxSink({ behaviour: { smtpUtf8: false } });
    legacyDomain = `${uniqueName('legacy')}.test`;
    stack.dns.set(legacyDomain, [{ type: 'MX', preference: 10, exchange: `mx1.${legacyDomain}` }]);
    stack.dns.set(`mx1.${legacyDomain}`, [{ type: 'A', address: legacy.host }]);
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(async () => {
    await stack?.stop();
    await legacy?.close();
  });

  const sent = async (body: Record<string, unknown>) => {
    const response = await stack.send({ from: `hello@${stack.senderDomain}`, subject: 'Grüße', text: 'Hallo.', ...body });
    expect(response.status, await response.clone().text()).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };
  const eventsOf = async (id: string) => (await stack.getMessage(id)).events as unknown as EventView[];

  it('delivers an API message to jürgen@ and 用户@ with SMTPUTF8, the exact addresses in RCPT TO and To, readable and DKIM-verified', async () => {
    const jurgen = `jürgen@${stack.recipientDomain}`;
    const yonghu = `用户@${stack.recipientDomain}`;
    const id = await sent({ to: [jurgen, yonghu] });
    await stack.waitForStatus(id, 'delivered');

    const received = await stack.waitForReceived(id);
    expect(received.mailParameters).toMatchObject({ SMTPUTF8: true });
    expect(received.mailFrom).toBe(expectedReturnPath('message', id, stack.senderDomain));
    expect(received.rcptTo).toEqual([jurgen, yonghu]);
    expect(headerOf(received.raw)).toContain(`\r\nTo: ${jurgen}, ${yonghu}\r\n`);
    expect(addressesOf((await parseDelivered(received.raw)).to).map((a) => a.address)).toEqual([jurgen, yonghu]);
    expect(await verifyDkim(received.raw, stack.dns)).toEqual([expect.objectContaining({ domain: stack.senderDomain, result: 'pass' })]);
  });

  it('bounces jürgen@ at a server without SMTPUTF8 with 5.6.7, category smtputf8, having sent it nothing', async () => {
    const id = await sent({ to: `jürgen@${legacyDomain}` });
    await stack.waitForStatus(id, 'bounced');
    const bounced = (await eventsOf(id)).filter((e) => e.type === 'bounced');
    expect(bounced.map((e) => [e.recipient, e.category, e.smtp?.code, e.smtp?.enhanced_code])).toEqual([[`jürgen@${legacyDomain}`, 'smtputf8', 553, '5.6.7']]);
    expect(legacy.transactionsStarted).toEqual([]);
  });

  it('delivers the UTF-8 recipient of a mixed message and bounces the ASCII one whose server cannot take its UTF-8 To header (5.6.9)', async () => {
    const id = await sent({ to: [`ann@${legacyDomain}`, `jürgen@${stack.recipientDomain}`] });
    await stack.waitForStatus(id, 'partially_delivered');
    const outcomes = (await eventsOf(id)).filter((e) => e.type !== 'queued').map((e) => [e.recipient, e.type, e.smtp?.enhanced_code]);
    expect(outcomes.sort()).toEqual([
      [`ann@${legacyDomain}`, 'bounced', '5.6.9'],
      [`jürgen@${stack.recipientDomain}`, 'delivered', expect.any(String)],
    ]);
    expect(legacy.transactionsStarted).toEqual([]);
  });

  it('takes a message over SMTP submission with SMTPUTF8 and a UTF-8 header, and delivers it with SMTPUTF8, its UTF-8 address as sent', async () => {
    const smtp = stack.smtp as { port: number };
    const client = await authenticatedSession(smtp.port, stack.apiKey);
    const to = `jürgen@${stack.recipientDomain}`;
    expect((await client.command(`MAIL FROM:<app@${stack.senderDomain}> SMTPUTF8`)).code).toBe(250);
    expect((await client.command(utf8(`RCPT TO:<${to}>`))).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);
    const messageId = `<${uniqueName('eai')}@${stack.senderDomain}>`;
    client.write(Buffer.from(`From: app@${stack.senderDomain}\r\nTo: Jürgen <${to}>\r\nSubject: Grüße\r\nMessage-ID: ${messageId}\r\n\r\nHallo.\r\n.\r\n`, 'utf8'));
    const final = await client.reply();
    const id = /queued as (msg_\w+)/.exec(final.text)?.[1] as string;
    expect(final.code, final.text).toBe(250);
    await stack.waitForStatus(id, 'delivered');

    const received = stack.sink.received.find((m) => m.raw.toString('latin1').includes(messageId)) as (typeof stack.sink.received)[number];
    expect(received.mailParameters).toMatchObject({ SMTPUTF8: true });
    expect(received.rcptTo).toEqual([to]);
    // the display name becomes an encoded-word, as every name does; the address has no other form
    expect(headerOf(received.raw)).toContain(`\r\nTo: =?UTF-8?Q?J=C3=BCrgen?= <${to}>\r\n`);
    expect(await verifyDkim(received.raw, stack.dns)).toEqual([expect.objectContaining({ result: 'pass' })]);
  });

  it('refuses a UTF-8 recipient over SMTP submission with 553 5.6.7 when MAIL FROM had no SMTPUTF8', async () => {
    const client = await authenticatedSession((stack.smtp as { port: number }).port, stack.apiKey);
    expect((await client.command(`MAIL FROM:<app@${stack.senderDomain}>`)).code).toBe(250);
    expect((await client.command(utf8(`RCPT TO:<jürgen@${stack.recipientDomain}>`))).text).toMatch(/^553 5\.6\.7 /);
  });
});
