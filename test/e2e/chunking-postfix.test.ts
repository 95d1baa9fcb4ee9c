import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpSession } from '../../apps/worker/src/smtp/smtp-session.ts';
import { startDnsRelay, type DnsRelay } from '../support/dns-relay.ts';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.ts';
import { startMxSink, type MxSink } from '../support/mx-sink.ts';
import { startPostfix, type PostfixInstance } from '../support/postfix.ts';
import { TEST_TIMEOUTS } from '../support/smtp-deps.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * The worker's SMTP session against a real server offering CHUNKING (RFC 3030): Debian's Postfix.
 * A transaction goes as MAIL, RCPT and BDAT LAST with the message in one write, the message as it is
 * (a line starting with "." is not dot-stuffed, and must arrive as it was); a refused recipient gets
 * its RCPT reply and the others the BDAT reply; a transaction with every recipient refused leaves the
 * session usable for the next. Postfix relays what it accepted to a sink (by DATA), where the message
 * is compared byte for byte.
 */
const relayDomain = 'chunked.test';
const loopback = (second: number) => `127.${second}.${randomInt(1, 255)}.${randomInt(2, 255)}`;

let dns: TestDnsServer;
let relay: DnsRelay;
let next: MxSink;
let postfix: PostfixInstance;

beforeAll(async () => {
  dns = await startDnsServer('127.0.0.1');
  relay = await startDnsRelay({ host: loopback(53), upstream: { host: dns.host, port: dns.port } });
  next = await startMxSink({ behaviour: { starttls: false } });
  dns.set(relayDomain, [{ type: 'MX', preference: 10, exchange: `mx.${relayDomain}` }]);
  dns.set(`mx.${relayDomain}`, [{ type: 'A', address: next.host }]);
  // relays only for its relay domain, even from loopback: another domain's recipient is refused at RCPT
  postfix = await startPostfix({
    listen: loopback(25),
    relayDomains: [relayDomain],
    dnsServer: { host: relay.host },
    main: { smtpd_relay_restrictions: 'reject_unauth_destination' },
  });
});

afterAll(async () => {
  await postfix?.close();
  await Promise.all([next?.close(), relay?.close(), dns?.close()]);
});

const message = (id: string) =>
  Buffer.from(
    [
      'From: App <hello@app.example.com>',
      `To: a@${relayDomain}`,
      `Subject: chunked ${id}`,
      `Message-ID: <${id}@app.example.com>`,
      'Date: Tue, 03 Dec 2024 10:15:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'A line follows that starts with a dot:',
      '.hidden unless sent as it is',
      '.',
      'and the end.',
      '',
    ].join('\r\n'),
  );

describe('SMTP transactions by BDAT where the server offers CHUNKING', () => {
  it('sends MAIL, RCPT and BDAT LAST with the message, not dot-stuffed; refused recipients keep their RCPT reply; the session goes on after a refused transaction', async () => {
    const session = await SmtpSession.open({ ip: postfix.host, port: postfix.port, serverName: 'relay.postfix.test', heloName: 'herald-worker.test', tls: 'none', timeouts: TEST_TIMEOUTS });
    try {
      expect(session.extensions.has('CHUNKING')).toBe(true);
      expect(session.extensions.has('PIPELINING')).toBe(true);

      const first = message('chunked-1');
      const mixed = await session.send('sender@app.example.com', [`a@${relayDomain}`, 'b@elsewhere.test', `c@${relayDomain}`], [first.subarray(0, 40), first.subarray(40)]);
      expect(mixed.replies.get(`a@${relayDomain}`)?.code).toBe(250);
      expect(mixed.replies.get(`c@${relayDomain}`)?.code).toBe(250);
      expect(mixed.replies.get('b@elsewhere.test')).toMatchObject({ code: 554, enhanced: '5.7.1' });
      expect(mixed.mailReply).toBeUndefined();

      // nobody to deliver to: Postfix reads the chunk and refuses it; the session stays usable
      const refused = await session.send('sender@app.example.com', ['x@elsewhere.test'], message('chunked-2'));
      expect(refused.replies.get('x@elsewhere.test')?.code).toBe(554);
      expect(session.broken).toBe(false);

      const third = message('chunked-3');
      const again = await session.send('sender@app.example.com', [`d@${relayDomain}`], third);
      expect(again.replies.get(`d@${relayDomain}`)?.code).toBe(250);
      expect(session.transactions).toBe(3);

      const relayed = await waitFor('Postfix to relay both messages', () => (next.received.length >= 2 ? next.received : null), 30_000).catch((err: unknown) => {
        throw new Error(`${err instanceof Error ? err.message : String(err)}\nPostfix log:\n${postfix.log()}`);
      });
      const byId = (id: string) => relayed.find((m) => m.raw.includes(`<${id}@app.example.com>`));
      expect(byId('chunked-1')?.rcptTo.sort()).toEqual([`a@${relayDomain}`, `c@${relayDomain}`]);
      expect(byId('chunked-3')?.rcptTo).toEqual([`d@${relayDomain}`]);
      expect(byId('chunked-2')).toBeUndefined();
      // what arrived ends with the message as sent (Postfix adds its Received field in front)
      for (const [id, sent] of [['chunked-1', first], ['chunked-3', third]] as const) {
        const raw = byId(id)?.raw as Buffer;
        expect(raw.subarray(raw.length - sent.length).equals(sent)).toBe(true);
      }
    } finally {
      await session.quit();
    }
    // Postfix's own count of the session's commands: three BDATs (one refused) and no DATA
    const counts = await waitFor('the session summary in the Postfix log', () => /disconnect from .*\b(ehlo=.*commands=\S+)/.exec(postfix.log())?.[1] ?? null, 10_000);
    expect(counts).toMatch(/\bbdat=2\/3\b/); // the refused one counted as failed
    expect(counts).not.toMatch(/\bdata=/);
  });
});
