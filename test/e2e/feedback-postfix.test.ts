import { randomInt } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsRelay, type DnsRelay } from '../support/dns-relay.ts';
import { uniqueName } from '../support/env.ts';
import { runHerald } from '../support/herald-process.ts';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';
import { randomLoopback, startMxSink, TEST_MX_PORT, type MxSink } from '../support/mx-sink.ts';
import { requirePostfix, startPostfix, type PostfixInstance } from '../support/postfix.ts';
import { waitFor } from '../support/wait-for.ts';
import { startWebhookReceiver, type TestWebhookReceiver } from '../support/webhook-receiver.ts';

/**
 * Hearing back, end to end, with a real MTA writing the bounce. Herald (API, worker and inbound MX as
 * OS processes) sends a message through the HTTP API to a recipient whose domain's MX, in the test DNS,
 * is a private Postfix (Debian's package). Postfix accepts it (250: Herald records `delivered`) and
 * holds it (defer_transports) until the test has seen `delivered`; flushed, it relays the message to
 * its next hop, which refuses the recipient with 550 5.1.1; Postfix writes its own
 * RFC 3464 DSN to the envelope sender, Herald's signed VERP return path on the sending domain's
 * return-path host (a CNAME to the bounce host), whose MX in the test DNS is Herald's inbound MX. The
 * recipient turns `bounced` (async), is suppressed, the DSN is stored and shown, and the webhook is sent.
 *
 * Every server listens on a random 127.x.y.z (port 25 as the tests run, as root; the DNS relay Postfix
 * reads from its resolv.conf on port 53), so this file shares no address with other e2e tests. Postfix
 * missing fails the file with the install commands; nothing is skipped.
 */
requirePostfix();

/** A random loopback address in 127.<second>.0.0/16, like the Postfix harness test's. */
const loopback = (second: number) => `127.${second}.${randomInt(1, 255)}.${randomInt(2, 255)}`;

const bounceHost = `${uniqueName('bounce')}.herald.test`;
const recipientDomain = `${uniqueName('postfix-rcpt')}.test`;
const nextHopDomain = `${uniqueName('next-hop')}.test`;
const inboundHost = randomLoopback();

interface EventView {
  type: string;
  recipient: string | null;
  created_at: string;
  smtp: { code: number | null; enhanced_code: string | null; message: string | null } | null;
  category: string | null;
  mx_host: string | null;
  report_id: string | null;
}
interface MessageDetail {
  id: string;
  status: string;
  recipients: { email: string; status: string; last_reply: { code: number | null; enhanced_code: string | null; message: string | null } | null }[];
  events: EventView[];
}
interface WebhookPayload {
  type: string;
  data: { message_id: string; recipient: string; smtp: { code: number; enhanced_code: string | null } | null; category: string | null; async?: boolean; dsn?: Record<string, string>; report_id?: string };
}

let stack: HeraldStack;
let receiver: TestWebhookReceiver;
let relay: DnsRelay;
let nextHop: MxSink;
let postfix: PostfixInstance;
const refusedRcpts: string[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  nextHop = await startMxSink({
    behaviour: {
      starttls: false,
      rcpt: (address) => {
        refusedRcpts.push(address);
        return { code: 550, message: `5.1.1 <${address}>: Recipient address rejected: User unknown` };
      },
    },
  });
  expect(nextHop.port, 'Postfix connects to port 25 of the MX it finds in DNS').toBe(25);
  stack = await startHeraldStack({
    label: 'fbpostfix',
    inbound: true,
    env: {
      HERALD_BOUNCE_HOST: bounceHost,
      HERALD_INBOUND_HOST: inboundHost,
      HERALD_INBOUND_PORT: TEST_MX_PORT,
      HERALD_WEBHOOK_ALLOW_HTTP: 'true',
      HERALD_WEBHOOK_ALLOWED_HOSTS: receiver.host,
    },
    // published before the sending domain is verified: its return-path host leads to the bounce host,
    // whose MX is the inbound MX, as docs/feedback.md tells an operator and a user to publish
    zone: ({ senderDomain }) => [
      [`bounces.${senderDomain}`, [{ type: 'CNAME', target: bounceHost }]],
      [bounceHost, [{ type: 'MX', preference: 10, exchange: `mx.${bounceHost}` }]],
      [`mx.${bounceHost}`, [{ type: 'A', address: inboundHost }]],
    ],
  });
  relay = await startDnsRelay({ host: loopback(53), upstream: { host: stack.dns.host, port: stack.dns.port } });
  postfix = await startPostfix({
    listen: loopback(25),
    relayDomains: [recipientDomain],
    dnsServer: { host: relay.host },
    // Postfix is the recipient domain's MX: it relays that domain's mail to the next hop's MX, not to
    // itself, and only when the test flushes its queue (so Herald's `delivered` is seen before the bounce)
    main: { relay_transport: `relay:${nextHopDomain}`, defer_transports: 'relay' },
  });
  stack.dns.set(recipientDomain, [{ type: 'MX', preference: 10, exchange: `mx.${recipientDomain}` }]);
  stack.dns.set(`mx.${recipientDomain}`, [{ type: 'A', address: postfix.host }]);
  stack.dns.set(nextHopDomain, [{ type: 'MX', preference: 10, exchange: `mx.${nextHopDomain}` }]);
  stack.dns.set(`mx.${nextHopDomain}`, [{ type: 'A', address: nextHop.host }]);
}, 90_000);

afterAll(async () => {
  await postfix?.close();
  await stack?.stop();
  await Promise.all([relay?.close(), nextHop?.close(), receiver?.close()]);
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.apiUrl}${path}`, { ...init, headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json', ...init.headers } });
const failWithLogs = (err: unknown): never => {
  const message = err instanceof Error ? err.message : String(err);
  throw new Error(`${message}\nPostfix log:\n${postfix.log()}\nworker:\n${stack.worker.output().slice(-4000)}`);
};

describe('a bounce written by a real Postfix reaches Herald', () => {
  it('turns a recipient Postfix accepted bounced when its own DSN comes back: async event with the DSN fields, hard_bounce suppression, the report, a signed webhook', async () => {
    const hook = await api('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: receiver.url('/herald'), events: ['message.delivered', 'message.bounced'] }) });
    expect(hook.status).toBe(201);
    const { secret } = (await hook.json()) as { secret: string };

    const to = `nobody@${recipientDomain}`;
    const sent = await stack.send({ from: `receipts@${stack.senderDomain}`, to, subject: 'Your receipt', text: 'Thank you for your order.' });
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };

    // Postfix said 250: Herald records the recipient delivered, to Postfix; Postfix still holds the message
    const delivered = await stack.waitForStatus(id, 'delivered').catch(failWithLogs);
    expect(delivered.recipients).toEqual([expect.objectContaining({ email: to, status: 'delivered' })]);
    await waitFor('Postfix to hold the message for its next hop', () => /status=deferred \(deferred transport\)/.test(postfix.log()), 10_000).catch(failWithLogs);
    expect(refusedRcpts).toEqual([]);
    // A flush lifts defer_transports only for what sits in the deferred queue as qmgr scans it; a message
    // qmgr is re-deferring at that instant (every second, as the harness retries) misses it and would
    // stay held until its queue lifetime ends (a 4.3.2 "deferred transport" bounce, once in CI). So flush
    // until the next hop has been offered the recipient.
    await waitFor('the next hop to be offered the recipient', () => {
      if (refusedRcpts.includes(to)) return true;
      postfix.flush();
      return false;
    }, 20_000, 500).catch(failWithLogs);

    const bounced = await waitFor('the message to turn bounced', async () => {
      const response = await api(`/v1/messages/${id}`);
      const message = (await response.json()) as MessageDetail;
      return message.status === 'bounced' ? message : null;
    }, 45_000).catch(failWithLogs);

    // the events tell it in order: delivered to Postfix (its 250), then bounced by what Postfix reported
    const [accepted, bounce, ...others] = bounced.events.filter((e) => e.type === 'delivered' || e.type === 'bounced');
    expect(others).toEqual([]);
    expect(accepted).toMatchObject({ type: 'delivered', recipient: to, mx_host: `mx.${recipientDomain}`, report_id: null });
    expect(accepted?.smtp?.code).toBe(250);
    expect(bounce).toMatchObject({ type: 'bounced', recipient: to, category: 'bad-mailbox', mx_host: `mx.${nextHopDomain}`, smtp: { code: 550, enhanced_code: '5.1.1' } });
    expect(bounce?.smtp?.message).toMatch(/^550 5\.1\.1 <nobody@/);
    expect(Date.parse(bounce?.created_at ?? '')).toBeGreaterThanOrEqual(Date.parse(accepted?.created_at ?? ''));
    expect(bounced.recipients).toEqual([expect.objectContaining({ email: to, status: 'bounced', last_reply: expect.objectContaining({ code: 550, enhanced_code: '5.1.1' }) as unknown })]);
    expect(refusedRcpts).toContain(to);

    // the DSN went to the return-path host's MX, which the test DNS gave through the CNAME
    expect(stack.dns.queries).toContainEqual({ name: `bounces.${stack.senderDomain}`, type: 'MX' });

    // the raw notification is stored and shown with the event
    const reportId = bounce?.report_id as string;
    expect(reportId).toMatch(/^rpt_/);
    const reportResponse = await api(`/v1/messages/${id}/reports/${reportId}`);
    expect(reportResponse.status).toBe(200);
    const report = (await reportResponse.json()) as {
      kind: string; message_id: string; envelope: { mail_from: string; rcpt_to: string }; raw: string;
      summary: { reporting_mta: string | null; recipients: { address: string; action: string; status: string; diagnostic: string | null; remote_mta: string | null }[] };
    };
    expect(report).toMatchObject({ kind: 'dsn', message_id: id, envelope: { mail_from: '' } });
    expect(report.envelope.rcpt_to).toMatch(new RegExp(`^bounces\\+[0-9a-z]{44}@bounces\\.${stack.senderDomain.replace(/\./g, '\\.')}$`));
    expect(report.summary.reporting_mta).toBe('relay.postfix.test');
    expect(report.summary.recipients).toEqual([{ address: to, action: 'failed', status: '5.1.1', diagnostic: expect.stringMatching(/^550 5\.1\.1 /) as unknown, remote_mta: `mx.${nextHopDomain}` }]);
    expect(report.raw).toContain('Content-Type: message/delivery-status');
    expect(report.raw).toContain(`Final-Recipient: rfc822; ${to}`);
    expect(report.raw).toContain('X-Postfix-Queue-ID');

    // the address is suppressed for the project, as a hard bounce
    const suppressions = (await (await api(`/v1/suppressions?email=${encodeURIComponent(to)}`)).json()) as { data: { email: string; reason: string }[] };
    expect(suppressions.data).toEqual([expect.objectContaining({ email: to, reason: 'hard_bounce' })]);

    // and the application was told, in a signed webhook, first delivered and then bounced with the DSN
    const hooks = await waitFor('the delivered and bounced webhooks', () => {
      const mine = receiver.requests
        .map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as WebhookPayload)
        .filter((p) => p.data.message_id === id);
      return mine.some((p) => p.type === 'message.bounced') && mine.some((p) => p.type === 'message.delivered') ? mine : null;
    }, 20_000);
    const bouncedHook = hooks.find((p) => p.type === 'message.bounced');
    expect(bouncedHook?.data).toMatchObject({
      recipient: to,
      category: 'bad-mailbox',
      smtp: { code: 550, enhanced_code: '5.1.1' },
      async: true,
      report_id: reportId,
      dsn: { action: 'failed', status: '5.1.1', remote_mta: `mx.${nextHopDomain}`, reporting_mta: 'relay.postfix.test' },
    });
    expect(bouncedHook?.data.dsn?.diagnostic_code).toMatch(/^550 5\.1\.1 /);
  }, 60_000);

  it("prints the records this needs as in place: the domain's return-path CNAME and the bounce host's MX", async () => {
    const verified = await runHerald(['domain', 'verify', stack.projectId, stack.senderDomain], stack.env);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`^ok +return_path +CNAME +bounces\\.${stack.senderDomain.replace(/\./g, '\\.')}$`, 'm'));
    expect(verified.stdout).toMatch(new RegExp(`^ok +bounce_mx +MX +${bounceHost.replace(/\./g, '\\.')}$`, 'm'));
  }, 30_000);
});
