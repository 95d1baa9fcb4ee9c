import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHeraldClient, HeraldApiError, unwrap, verifyWebhook, WebhookVerificationError } from '@herald/sdk';
import { heraldTransport } from '@herald/sdk/nodemailer';
import { addressesOf, parseDelivered } from '../support/delivered-mail.ts';
import { verifyDkim } from '../support/dkim-verify.ts';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';
import { randomLoopbackAddress } from '../support/https-policy-server.ts';
import { waitFor } from '../support/wait-for.ts';
import { startWebhookReceiver, type TestWebhookReceiver } from '../support/webhook-receiver.ts';

/** A PDF-like attachment with every byte value in it, so any re-encoding shows. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2048), Buffer.from('\n%%EOF\n')]);

/** A fetch that records every request it passes to the real one; `dropFirst` loses the first answer to a send after Herald committed it. */
function recordingFetch(options: { dropFirst?: boolean } = {}) {
  const requests: { method: string; path: string; key: string | null; status?: number; replayed?: string | null }[] = [];
  let dropped = false;
  const fetch = async (request: Request) => {
    const url = new URL(request.url);
    const record: (typeof requests)[number] = { method: request.method, path: url.pathname + url.search, key: request.headers.get('idempotency-key') };
    requests.push(record);
    const response = await globalThis.fetch(request);
    Object.assign(record, { status: response.status, replayed: response.headers.get('idempotent-replayed') });
    if (options.dropFirst && !dropped && request.method === 'POST') {
      dropped = true;
      await response.arrayBuffer();
      throw new TypeError('fetch failed: the connection was reset after the request was sent');
    }
    return response;
  };
  return { fetch, requests };
}

/**
 * @herald/sdk and its nodemailer transport against Herald running as separate processes: sends that
 * survive a lost answer without a second message, pages of messages, webhooks verified, and nodemailer
 * messages arriving DKIM-signed at the recipient's MX.
 */
describe('@herald/sdk against a running Herald', () => {
  let stack: HeraldStack;
  let receiver: TestWebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ host: randomLoopbackAddress() });
    stack = await startHeraldStack({ label: 'sdk', env: { HERALD_WEBHOOK_ALLOW_HTTP: 'true', HERALD_WEBHOOK_ALLOWED_HOSTS: receiver.host } });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  /** The one copy the MX got whose Message-ID header is `messageIdHeader`, checked for a passing DKIM signature of the sender's domain. */
  async function deliveredCopy(id: string, messageIdHeader = `<${id}@${stack.senderDomain}>`) {
    await stack.waitForStatus(id, 'delivered');
    const copies = stack.sink.received.filter((m) => m.raw.toString('latin1').includes(`Message-ID: ${messageIdHeader}`));
    expect(copies).toHaveLength(1);
    const copy = copies[0] as (typeof copies)[number];
    expect(await verifyDkim(copy.raw, stack.dns)).toEqual([expect.objectContaining({ domain: stack.senderDomain, result: 'pass' })]);
    return { copy, mail: await parseDelivered(copy.raw) };
  }

  describe('the typed client', () => {
    it('sends, and when the answer is lost after the commit, retries with the same Idempotency-Key and gets the same message: one stored, one delivered', async () => {
      const recording = recordingFetch({ dropFirst: true });
      const herald = createHeraldClient({ url: stack.apiUrl, apiKey: stack.apiKey, fetch: recording.fetch, retry: { baseDelayMs: 50 } });
      const subject = `Retried ${randomBytes(4).toString('hex')}`;
      const sent = unwrap(await herald.POST('/v1/messages', { body: { from: `hello@${stack.senderDomain}`, to: `retry@${stack.recipientDomain}`, subject, text: 'once' } }));
      const sends = recording.requests.filter((r) => r.method === 'POST');
      expect(sends).toHaveLength(2);
      expect(sends[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
      expect(sends[1]?.key).toBe(sends[0]?.key);
      // Herald had committed the first (its 202 was lost on the way back); the second is answered from it
      expect(sends.map((r) => [r.status, r.replayed])).toEqual([
        [202, null],
        [202, 'true'],
      ]);

      const stored = [];
      for await (const message of herald.paginate('/v1/messages', { query: { subject } })) stored.push(message.id);
      expect(stored).toEqual([sent.id]);
      expect((await deliveredCopy(sent.id)).mail.subject).toBe(subject);
      const got = unwrap(await herald.GET('/v1/messages/{id}', { params: { path: { id: sent.id } } }));
      expect(got).toMatchObject({ id: sent.id, status: 'delivered', subject });
    });

    it('pages through every message of a tag, two to a page, following next_cursor', async () => {
      const tag = `paged-${randomBytes(3).toString('hex')}`;
      const recording = recordingFetch();
      const herald = createHeraldClient({ url: stack.apiUrl, apiKey: stack.apiKey, fetch: recording.fetch });
      const messages = Array.from({ length: 5 }, (_, i) => ({ from: `hello@${stack.senderDomain}`, to: `page${i}@${stack.recipientDomain}`, subject: `Page ${i}`, text: 'x', tags: [tag] }));
      const batch = unwrap(await herald.POST('/v1/messages/batch', { body: { messages } }));
      const seen: string[] = [];
      for await (const message of herald.paginate('/v1/messages', { query: { tag, limit: 2 } })) seen.push(message.id);
      expect(seen.sort()).toEqual(batch.data.map((m) => m.id).sort());
      const pages = recording.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/messages?'));
      expect(pages).toHaveLength(3);
      expect(pages.slice(1).every((p) => p.path.includes('cursor='))).toBe(true);
    });

    it("answers Herald's refusals at once as HeraldApiError with the code and the field, without retrying them", async () => {
      const recording = recordingFetch();
      const herald = createHeraldClient({ url: stack.apiUrl, apiKey: stack.apiKey, fetch: recording.fetch });
      const invalid = await herald.POST('/v1/messages', { body: { from: `hello@${stack.senderDomain}`, to: 'not an address', subject: 'x', text: 'x' } });
      const error = (() => {
        try {
          return unwrap(invalid);
        } catch (err) {
          return err;
        }
      })();
      expect(error).toBeInstanceOf(HeraldApiError);
      expect(error).toMatchObject({ status: 400, code: 'validation_failed', details: [expect.objectContaining({ field: 'to' })] });
      expect(recording.requests).toHaveLength(1);

      const forged = createHeraldClient({ url: stack.apiUrl, apiKey: 'hk_live_forged' });
      const pages = forged.paginate('/v1/messages');
      await expect(pages.next()).rejects.toMatchObject({ name: 'HeraldApiError', status: 401, code: 'unauthorized' });
    });

    it('verifies the webhooks Herald delivers with verifyWebhook, and refuses a body changed on the way', async () => {
      const herald = createHeraldClient({ url: stack.apiUrl, apiKey: stack.apiKey });
      const { secret } = unwrap(await herald.POST('/v1/webhooks', { body: { url: receiver.url('/sdk'), events: ['message.delivered'] } }));
      const sent = unwrap(await herald.POST('/v1/messages', { body: { from: `hello@${stack.senderDomain}`, to: `hook@${stack.recipientDomain}`, subject: 'Hooked', text: 'x', tags: ['sdk'] } }));
      const delivery = await waitFor('the delivered webhook', () => receiver.requests.find((r) => r.path === '/sdk' && r.body.includes(sent.id)));
      const event = verifyWebhook(delivery.body, delivery.headers, secret);
      expect(event).toMatchObject({ type: 'message.delivered', data: { message_id: sent.id, recipient: `hook@${stack.recipientDomain}`, tags: ['sdk'], smtp: { code: 250 } } });
      expect(event.data.event_id).toBe(delivery.headers['webhook-id']);
      expect(() => verifyWebhook(delivery.body.replace('hook@', 'evil@'), delivery.headers, secret)).toThrow(WebhookVerificationError);
    });
  });

  describe('the nodemailer transport (nodemailer.createTransport(heraldTransport({ url, apiKey })))', () => {
    const transport = (apiKey = stack.apiKey) => nodemailer.createTransport(heraldTransport({ url: stack.apiUrl, apiKey, retry: { baseDelayMs: 50 } }));

    it('sends what nodemailer composes, HTML, text, an inline image, an attachment, Cc and Bcc, and the MX gets it signed and intact', async () => {
      const info = await transport().sendMail({
        from: `"Acme" <hello@${stack.senderDomain}>`,
        to: `nm@${stack.recipientDomain}`,
        cc: `nm-cc@${stack.recipientDomain}`,
        bcc: `nm-bcc@${stack.recipientDomain}`,
        subject: 'Grüße from nodemailer',
        text: 'Hello from nodemailer',
        html: '<p>Hello <img src="cid:logo@acme"></p>',
        headers: { 'X-Entity-Ref': 'nm-1' },
        attachments: [
          { filename: 'invoice.pdf', content: PDF, contentType: 'application/pdf' },
          { filename: 'logo.png', content: Buffer.from('not really a png'), cid: 'logo@acme' },
        ],
      });
      expect(info.messageId).toMatch(/^msg_/);
      expect(info.accepted.sort()).toEqual([`nm-bcc@${stack.recipientDomain}`, `nm-cc@${stack.recipientDomain}`, `nm@${stack.recipientDomain}`]);
      expect(info.rejected).toEqual([]);
      expect(info.envelope).toMatchObject({ from: `hello@${stack.senderDomain}` });

      const { copy, mail } = await deliveredCopy(info.messageId, info.messageIdHeader);
      expect(copy.rcptTo.sort()).toEqual([`nm-bcc@${stack.recipientDomain}`, `nm-cc@${stack.recipientDomain}`, `nm@${stack.recipientDomain}`]);
      expect(copy.raw.toString('latin1')).not.toMatch(/^Bcc:/im);
      expect(addressesOf(mail.from)).toEqual([{ address: `hello@${stack.senderDomain}`, name: 'Acme' }]);
      expect([mail.subject, mail.text?.trim(), mail.html, mail.headers.get('x-entity-ref')]).toEqual(['Grüße from nodemailer', 'Hello from nodemailer', '<p>Hello <img src="cid:logo@acme"></p>', 'nm-1']);
      const attachments = mail.attachments.map((a) => [a.filename, a.contentId ?? null, a.content.equals(a.filename === 'invoice.pdf' ? PDF : Buffer.from('not really a png'))]);
      // the inline image sits beside the HTML (multipart/related), the PDF after it
      expect(attachments.sort()).toEqual([
        ['invoice.pdf', null, true],
        ['logo.png', '<logo@acme>', true],
      ]);
    });

    it('stores one message when a send is repeated with the same Message-ID (nodemailer builds it again with a new Date and boundaries)', async () => {
      const messageId = `<order-${randomBytes(4).toString('hex')}@app.example>`;
      const mail = { from: `hello@${stack.senderDomain}`, to: `once@${stack.recipientDomain}`, subject: `Once ${messageId}`, text: 'x', attachments: [{ filename: 'a.txt', content: 'a' }], messageId };
      const first = await transport().sendMail({ ...mail, date: new Date('2026-12-04T10:00:00Z') });
      const again = await transport().sendMail({ ...mail, date: new Date('2026-12-04T10:00:07Z') });
      expect(again.messageId).toBe(first.messageId);
      const herald = createHeraldClient({ url: stack.apiUrl, apiKey: stack.apiKey });
      const stored = [];
      for await (const m of herald.paginate('/v1/messages', { query: { subject: mail.subject } })) stored.push(m.id);
      expect(stored).toEqual([first.messageId]);
      await deliveredCopy(first.messageId, messageId);
    });

    it("surfaces an unverified From domain and a bad key as errors carrying Herald's code and message", async () => {
      const refused = (apiKey: string, from: string) => transport(apiKey).sendMail({ from, to: `x@${stack.recipientDomain}`, subject: 'x', text: 'x' }).then(() => null, (err: unknown) => err);
      const unverified = await refused(stack.apiKey, 'hello@unverified.example');
      expect(unverified).toBeInstanceOf(HeraldApiError);
      expect(unverified).toMatchObject({ status: 403, code: 'domain_not_verified', message: expect.stringContaining('unverified.example') as unknown });
      const forged = await refused('hk_live_notakeyatall', `hello@${stack.senderDomain}`);
      expect(forged).toMatchObject({ status: 401, code: 'unauthorized' });
    });
  });
});
