import { randomBytes } from 'node:crypto';
import { Errors as PostmarkErrors, ServerClient } from 'postmark';
import { Resend } from 'resend';
import { Client as SendgridClient } from '@sendgrid/client';
import { MailService, type ResponseError } from '@sendgrid/mail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressesOf, parseDelivered } from '../support/delivered-mail.ts';
import { verifyDkim } from '../support/dkim-verify.ts';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';

/** A PDF-like attachment with every byte value in it, so any re-encoding shows. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2048), Buffer.from('\n%%EOF\n')]);

/**
 * The vendors' own npm clients, pointed at Herald running as separate processes by their documented
 * base-URL settings: what they send arrives DKIM-signed at the recipient's MX with the right content,
 * and what Herald refuses comes back as each client's own error.
 */
describe("the vendors' official clients against a running Herald", () => {
  let stack: HeraldStack;

  beforeAll(async () => {
    stack = await startHeraldStack({ label: 'vendors' });
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** The one copy the MX received of message `id`, checked for a passing DKIM signature of the sender's domain, parsed. */
  async function delivered(id: string) {
    await stack.waitForStatus(id, 'delivered');
    const copies = stack.receivedCopies(id);
    expect(copies).toHaveLength(1);
    const raw = copies[0]?.raw as Buffer;
    expect(await verifyDkim(raw, stack.dns)).toEqual([expect.objectContaining({ domain: stack.senderDomain, result: 'pass' })]);
    return parseDelivered(raw);
  }

  describe('resend (RESEND_BASE_URL=<herald>/resend)', () => {
    let resend: Resend;
    beforeAll(() => {
      process.env.RESEND_BASE_URL = `${stack.apiUrl}/resend`;
      resend = new Resend(stack.apiKey);
    });

    it('sends one email with an attachment, reads it back, and the MX gets it signed and intact', async () => {
      const to = `ann@${stack.recipientDomain}`;
      const { data, error } = await resend.emails.send({
        from: `Acme <hello@${stack.senderDomain}>`,
        to,
        cc: [`cy@${stack.recipientDomain}`],
        replyTo: `help@${stack.senderDomain}`,
        subject: 'Grüße from Resend',
        html: '<p>Hello <b>Ann</b></p>',
        text: 'Hello Ann',
        headers: { 'X-Entity-Ref': 'order-42' },
        tags: [{ name: 'category', value: 'welcome' }],
        attachments: [{ filename: 'invoice.pdf', content: PDF }],
      });
      expect(error).toBeNull();
      const id = data?.id as string;
      const mail = await delivered(id);
      expect(addressesOf(mail.from)).toEqual([{ address: `hello@${stack.senderDomain}`, name: 'Acme' }]);
      expect(addressesOf(mail.to)).toEqual([{ address: to, name: '' }]);
      expect(addressesOf(mail.replyTo)).toEqual([{ address: `help@${stack.senderDomain}`, name: '' }]);
      expect([mail.subject, mail.text?.trim(), mail.html]).toEqual(['Grüße from Resend', 'Hello Ann', '<p>Hello <b>Ann</b></p>']);
      expect(mail.headers.get('x-entity-ref')).toBe('order-42');
      expect(mail.attachments.map((a) => [a.filename, a.content.equals(PDF)])).toEqual([['invoice.pdf', true]]);

      const got = await resend.emails.get(id);
      expect(got.error).toBeNull();
      expect(got.data).toMatchObject({ object: 'email', id, to: [to], cc: [`cy@${stack.recipientDomain}`], subject: 'Grüße from Resend', last_event: 'delivered', tags: [{ name: 'category', value: 'welcome' }] });
    });

    it('sends a batch, and schedules and cancels an email', async () => {
      const batch = await resend.batch.send([
        { from: `hello@${stack.senderDomain}`, to: `b1@${stack.recipientDomain}`, subject: 'One', text: 'one' },
        { from: `hello@${stack.senderDomain}`, to: `b2@${stack.recipientDomain}`, subject: 'Two', text: 'two' },
      ]);
      expect(batch.error).toBeNull();
      const ids = (batch.data?.data ?? []).map((e) => e.id);
      expect(ids).toHaveLength(2);
      expect((await Promise.all(ids.map(delivered))).map((m) => m.subject)).toEqual(['One', 'Two']);

      const later = await resend.emails.send({
        from: `hello@${stack.senderDomain}`,
        to: `later@${stack.recipientDomain}`,
        subject: 'Later',
        text: 'later',
        scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
      });
      const cancelled = await resend.emails.cancel(later.data?.id as string);
      expect(cancelled).toMatchObject({ error: null, data: { object: 'email', id: later.data?.id } });
      expect((await stack.getMessage(later.data?.id as string)).status).toBe('cancelled');
    });

    it("surfaces a bad address, an unverified domain and a bad key as the client's own errors", async () => {
      const bad = await resend.emails.send({ from: `hello@${stack.senderDomain}`, to: 'not an address', subject: 'x', text: 'x' });
      expect(bad).toMatchObject({ data: null, error: { statusCode: 422, name: 'validation_error' } });
      expect(bad.error?.message).toMatch(/Invalid `to` field/);
      const unverified = await resend.emails.send({ from: 'hello@unverified.example', to: `x@${stack.recipientDomain}`, subject: 'x', text: 'x' });
      expect(unverified).toMatchObject({ data: null, error: { statusCode: 403, name: 'validation_error' } });
      expect(unverified.error?.message).toContain('unverified.example');
      const forged = await new Resend('hk_live_notakeyatall').emails.send({ from: `hello@${stack.senderDomain}`, to: `x@${stack.recipientDomain}`, subject: 'x', text: 'x' });
      expect(forged).toMatchObject({ data: null, error: { statusCode: 403, name: 'invalid_api_key' } });
    });
  });

  describe('postmark (ServerClient with useHttps: false, requestHost: <herald host>/postmark)', () => {
    let postmark: ServerClient;
    const host = () => `${new URL(stack.apiUrl).host}/postmark`;
    beforeAll(() => {
      postmark = new ServerClient(stack.apiKey, { useHttps: false, requestHost: host() });
    });

    it('sends one email with an attachment, Tag and Metadata, and the MX gets it signed and intact', async () => {
      const to = `pm@${stack.recipientDomain}`;
      const sent = await postmark.sendEmail({
        From: `Acme <hello@${stack.senderDomain}>`,
        To: to,
        Subject: 'From Postmark',
        HtmlBody: '<p>Hello</p>',
        TextBody: 'Hello',
        Tag: 'welcome',
        Metadata: { user: '42' },
        Headers: [{ Name: 'X-Entity-Ref', Value: 'pm-1' }],
        Attachments: [{ Name: 'invoice.pdf', Content: PDF.toString('base64'), ContentType: 'application/pdf', ContentID: '' }],
        MessageStream: 'outbound',
        TrackOpens: true,
      });
      expect(sent).toMatchObject({ To: to, ErrorCode: 0, Message: 'OK' });
      const mail = await delivered(sent.MessageID);
      expect([mail.subject, mail.text?.trim(), mail.html, mail.headers.get('x-entity-ref')]).toEqual(['From Postmark', 'Hello', '<p>Hello</p>', 'pm-1']);
      expect(mail.attachments.map((a) => [a.filename, a.content.equals(PDF)])).toEqual([['invoice.pdf', true]]);
      expect(await stack.getMessage(sent.MessageID)).toMatchObject({ tags: ['welcome'], metadata: { user: '42' } });
    });

    it('sends a batch with one result per message', async () => {
      const results = await postmark.sendEmailBatch([
        { From: `hello@${stack.senderDomain}`, To: `pb1@${stack.recipientDomain}`, Subject: 'PM one', TextBody: 'one' },
        { From: `hello@${stack.senderDomain}`, To: 'not an address', Subject: 'PM bad', TextBody: 'bad' },
      ]);
      expect(results.map((r) => r.ErrorCode)).toEqual([0, 300]);
      expect((await delivered(results[0]?.MessageID as string)).subject).toBe('PM one');
    });

    it('sends from a Herald template with TemplateAlias or TemplateId and TemplateModel, one and in a batch; a missing template is ErrorCode 1101', async () => {
      const alias = `pm-receipt-${randomBytes(3).toString('hex')}`;
      const created = await fetch(`${stack.apiUrl}/v1/templates`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Receipt', alias, subject: 'Receipt {{number}}', html: '<p>Thanks, {{name}}</p>', text: 'Thanks, {{name}}' }),
      });
      expect(created.status).toBe(201);
      const { id: templateId } = (await created.json()) as { id: string };

      const sent = await postmark.sendEmailWithTemplate({
        From: `hello@${stack.senderDomain}`,
        To: `pt@${stack.recipientDomain}`,
        TemplateAlias: alias,
        TemplateModel: { name: 'Ann', number: 42 },
        Attachments: [{ Name: 'invoice.pdf', Content: PDF.toString('base64'), ContentType: 'application/pdf', ContentID: '' }],
      });
      expect(sent).toMatchObject({ ErrorCode: 0, Message: 'OK' });
      const mail = await delivered(sent.MessageID);
      expect([mail.subject, mail.text?.trim(), mail.html]).toEqual(['Receipt 42', 'Thanks, Ann', '<p>Thanks, Ann</p>']);
      expect(mail.attachments.map((a) => [a.filename, a.content.equals(PDF)])).toEqual([['invoice.pdf', true]]);

      const results = await postmark.sendEmailBatchWithTemplates([
        // the client types TemplateId as Postmark's number; Herald's ids are strings
        { From: `hello@${stack.senderDomain}`, To: `ptb1@${stack.recipientDomain}`, TemplateId: templateId as unknown as number, TemplateModel: { name: 'Bo', number: 1 } },
        { From: `hello@${stack.senderDomain}`, To: `ptb2@${stack.recipientDomain}`, TemplateAlias: 'no-such-template', TemplateModel: {} },
      ]);
      expect(results.map((r) => r.ErrorCode)).toEqual([0, 1101]);
      expect((await delivered(results[0]?.MessageID as string)).subject).toBe('Receipt 1');

      const missing = await postmark.sendEmailWithTemplate({ From: `hello@${stack.senderDomain}`, To: `x@${stack.recipientDomain}`, TemplateAlias: 'no-such-template', TemplateModel: {} }).then(() => null, (err: unknown) => err);
      expect(missing).toBeInstanceOf(PostmarkErrors.ApiInputError);
      expect(missing).toMatchObject({ code: 1101, statusCode: 422, message: expect.stringContaining('no-such-template') as unknown });
    });

    it("surfaces a bad address, an unverified domain and a bad token as the client's own errors", async () => {
      const send = (client: ServerClient, From: string, To: string) => client.sendEmail({ From, To, Subject: 'x', TextBody: 'x' }).then(() => null, (err: unknown) => err);
      const bad = await send(postmark, `hello@${stack.senderDomain}`, 'not an address');
      expect(bad).toBeInstanceOf(PostmarkErrors.InvalidEmailRequestError);
      expect(bad).toMatchObject({ code: 300, statusCode: 422, message: expect.stringContaining('To') as unknown });
      const unverified = await send(postmark, 'hello@unverified.example', `x@${stack.recipientDomain}`);
      expect(unverified).toBeInstanceOf(PostmarkErrors.ApiInputError);
      expect(unverified).toMatchObject({ code: 400, statusCode: 422, message: expect.stringContaining('unverified.example') as unknown });
      const forged = await send(new ServerClient('hk_live_notakeyatall', { useHttps: false, requestHost: host() }), `hello@${stack.senderDomain}`, `x@${stack.recipientDomain}`);
      expect(forged).toBeInstanceOf(PostmarkErrors.InvalidAPIKeyError);
      expect(forged).toMatchObject({ code: 10, statusCode: 401 });
    });
  });

  describe("@sendgrid/mail (setClient with a client whose default baseUrl is <herald>/sendgrid)", () => {
    const mailer = (apiKey: string) => {
      const client = new SendgridClient();
      client.setApiKey(apiKey);
      client.setDefaultRequest('baseUrl', `${stack.apiUrl}/sendgrid`);
      const mail = new MailService();
      mail.setClient(client);
      return mail;
    };

    it('sends one message per personalization with its substitutions and an attachment, each arriving signed and intact', async () => {
      const [response] = await mailer(stack.apiKey).send({
        from: { email: `hello@${stack.senderDomain}`, name: 'Acme' },
        subject: 'Hello -name-',
        text: 'Dear -name-',
        html: '<p>Dear -name-</p>',
        personalizations: [
          { to: [{ email: `sg1@${stack.recipientDomain}` }], substitutions: { '-name-': 'Ann' } },
          { to: [{ email: `sg2@${stack.recipientDomain}` }], substitutions: { '-name-': 'Bo' } },
        ],
        substitutionWrappers: ['', ''],
        categories: ['welcome'],
        customArgs: { campaign: 'c1' },
        attachments: [{ filename: 'invoice.pdf', content: PDF.toString('base64'), type: 'application/pdf' }],
      });
      expect(response.statusCode).toBe(202);
      const headers = response.headers as Record<string, string>;
      const ids = String(headers['x-herald-message-ids']).split(',');
      expect(headers['x-message-id']).toBe(ids[0]);
      const mails = await Promise.all(ids.map(delivered));
      expect(mails.map((m) => [m.subject, m.text?.trim(), addressesOf(m.to)[0]?.address])).toEqual([
        ['Hello Ann', 'Dear Ann', `sg1@${stack.recipientDomain}`],
        ['Hello Bo', 'Dear Bo', `sg2@${stack.recipientDomain}`],
      ]);
      expect(mails[1]?.attachments.map((a) => [a.filename, a.content.equals(PDF)])).toEqual([['invoice.pdf', true]]);
    });

    it("surfaces a bad address, an unverified domain and a bad key as the client's ResponseError", async () => {
      const fail = (apiKey: string, from: string, to: string) =>
        mailer(apiKey).send({ from, to, subject: 'x', text: 'x' }).then(() => null, (err: ResponseError) => err);
      const bad = await fail(stack.apiKey, `hello@${stack.senderDomain}`, 'not an address');
      expect(bad?.code).toBe(400);
      expect(bad?.response.body).toMatchObject({ errors: [{ field: 'personalizations.0.to.0' }] });
      const unverified = await fail(stack.apiKey, 'hello@unverified.example', `x@${stack.recipientDomain}`);
      expect(unverified?.code).toBe(403);
      expect(JSON.stringify(unverified?.response.body)).toContain('unverified.example');
      const forged = await fail('SG.not-a-herald-key', `hello@${stack.senderDomain}`, `x@${stack.recipientDomain}`);
      expect(forged?.code).toBe(401);
    });
  });
});
