import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyNotification } from '../../packages/core/src/feedback/read-notification.ts';
import { parseDsn } from '../../packages/core/src/feedback/parse-dsn.ts';
import { deriveFeedbackKeys } from '../../packages/core/src/feedback/token-keys.ts';
import { readVerpAddress, verpAddress } from '../../packages/core/src/feedback/verp-address.ts';
import { startDnsRelay, type DnsRelay } from '../support/dns-relay.ts';
import { startDnsServer, type TestDnsServer } from '../support/dns-server.ts';
import { TEST_MASTER_KEY } from '../support/env.ts';
import { startMxSink, type MxSink } from '../support/mx-sink.ts';
import { startPostfix, type PostfixInstance } from '../support/postfix.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * A real Postfix, as the inbound MX will meet it: it accepts a message for a domain it relays, the
 * next hop (found by MX through the test DNS) refuses the recipient, and Postfix's own DSN goes back
 * to the VERP return path, whose MX (again through the test DNS) is a sink here. The DSN is read with
 * Herald's parser. Postfix missing fails this file with the install commands; nothing is skipped.
 */
const relayDomain = 'relay-target.test';
const returnPathDomain = 'bounces.herald.test';
const keys = deriveFeedbackKeys(Buffer.from(TEST_MASTER_KEY, 'base64'));
const loopback = (second: number) => `127.${second}.${randomInt(1, 255)}.${randomInt(2, 255)}`;

let dns: TestDnsServer;
let relay: DnsRelay;
let refusing: MxSink;
let inbound: MxSink;
let postfix: PostfixInstance;
const refusedRcpts: string[] = [];

beforeAll(async () => {
  dns = await startDnsServer('127.0.0.1');
  relay = await startDnsRelay({ host: loopback(53), upstream: { host: dns.host, port: dns.port } });
  refusing = await startMxSink({
    behaviour: {
      starttls: false,
      rcpt: (address) => {
        refusedRcpts.push(address);
        return { code: 550, message: `5.1.1 <${address}>: Recipient address rejected: User unknown` };
      },
    },
  });
  inbound = await startMxSink({ behaviour: { starttls: false } });
  expect(refusing.port, 'Postfix connects to port 25 of the MX it finds in DNS').toBe(25);
  dns.set(relayDomain, [{ type: 'MX', preference: 10, exchange: `mx.${relayDomain}` }]);
  dns.set(`mx.${relayDomain}`, [{ type: 'A', address: refusing.host }]);
  dns.set(returnPathDomain, [{ type: 'MX', preference: 10, exchange: `mx.${returnPathDomain}` }]);
  dns.set(`mx.${returnPathDomain}`, [{ type: 'A', address: inbound.host }]);
  postfix = await startPostfix({ listen: loopback(25), relayDomains: [relayDomain], dnsServer: { host: relay.host } });
});

afterAll(async () => {
  await postfix?.close();
  await Promise.all([refusing?.close(), inbound?.close(), relay?.close(), dns?.close()]);
});

describe('a private Postfix relaying to a server that refuses the recipient', () => {
  it("accepts the message, then sends its own DSN to the VERP return path's MX, found through the test DNS", async () => {
    const sender = verpAddress(keys.verp, { kind: 'recipient', id: 'rcpt_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P' }, returnPathDomain);
    const messageId = `msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N@app.example.com`;
    const transport = nodemailer.createTransport({ host: postfix.host, port: postfix.port, secure: false, ignoreTLS: true, name: 'herald-worker.herald.test' });
    const raw = [
      'From: App <hello@app.example.com>',
      `To: nobody@${relayDomain}`,
      'Subject: Your receipt',
      `Message-ID: <${messageId}>`,
      'Date: Tue, 03 Dec 2024 10:15:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Thank you for your order.',
      '',
    ].join('\r\n');
    const sent = await transport.sendMail({ envelope: { from: sender, to: [`nobody@${relayDomain}`] }, raw });
    transport.close();
    expect(sent.response).toMatch(/^250 /);

    const dsn = await waitFor('the DSN at the inbound MX', () => inbound.received.find((m) => m.rcptTo.includes(sender)), 30_000).catch((err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nPostfix log:\n${postfix.log()}`);
    });
    expect(refusedRcpts).toContain(`nobody@${relayDomain}`);
    expect(dsn.mailFrom).toBe('');
    // the bounce went by DNS: the MX of the return-path domain was asked for
    expect(dns.queries).toContainEqual({ name: returnPathDomain, type: 'MX' });
    expect(readVerpAddress([keys.verp], dsn.rcptTo[0] ?? '')).toMatchObject({ ok: true, subject: { kind: 'recipient', id: 'rcpt_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P' } });

    const report = await parseDsn(dsn.raw);
    expect(report.kind).toBe('dsn');
    if (report.kind !== 'dsn') return;
    expect(report.reportingMta).toEqual({ type: 'dns', value: 'relay.postfix.test' });
    expect(report.recipients).toHaveLength(1);
    expect(report.recipients[0]).toMatchObject({
      finalRecipient: `nobody@${relayDomain}`,
      action: 'failed',
      status: '5.1.1',
      smtpCode: 550,
      remoteMta: { type: 'dns', value: `mx.${relayDomain}` },
    });
    expect(report.recipients[0]?.status).toMatch(/^5\.\d+\.\d+$/);
    expect(report.originalHeaders).toMatchObject({ messageId, returnPath: sender, heraldMessageId: 'msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8N' });
    expect((await classifyNotification(dsn.raw)).kind).toBe('dsn');
  });

  it('stops its master, its daemons and its listener on close, and removes its directory', async () => {
    const second = await startPostfix({ listen: loopback(25), relayDomains: [relayDomain], dnsServer: { host: relay.host } });
    expect(existsSync(`${second.dir}/etc/main.cf`)).toBe(true);
    expect(() => process.kill(second.pid, 0)).not.toThrow();
    await second.close();
    expect(existsSync(second.dir)).toBe(false);
    expect(() => process.kill(second.pid, 0)).toThrow();
    // the master leads a process group of its own: once it is empty, every daemon is gone
    await waitFor('the Postfix daemons to exit', () => {
      try {
        process.kill(-second.pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 10_000);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(second.port, second.host);
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});
