import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { HeraldApiError } from './errors.ts';
import { heraldTransport, idempotencyKey } from './nodemailer-transport.ts';

/** A fake Herald: answers each POST with the next of `answers`, recording what it got. */
function fakeHerald(answers: { status: number; body: unknown }[]) {
  const got: { path: string; key: string | null; body: { raw: string; recipients: string[] } }[] = [];
  const fetch = async (request: Request) => {
    got.push({ path: new URL(request.url).pathname, key: request.headers.get('idempotency-key'), body: (await request.json()) as { raw: string; recipients: string[] } });
    const answer = answers[got.length - 1] ?? { status: 500, body: {} };
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json' } });
  };
  return { fetch, got };
}

const accepted = {
  status: 202,
  body: { id: 'msg_1', status: 'queued', recipients: [{ email: 'ann@example.org', status: 'queued' }, { email: 'gone@example.org', status: 'suppressed' }, { email: 'audit@acme.example', status: 'queued' }] },
};

describe('heraldTransport', () => {
  it("posts nodemailer's MIME whole with the envelope (Bcc included, its header not), keyed by the Message-ID, and answers like a transport", async () => {
    const herald = fakeHerald([{ status: 503, body: {} }, accepted]);
    const transporter = nodemailer.createTransport(heraldTransport({ url: 'https://herald.test', apiKey: 'hk_test_x', fetch: herald.fetch, retry: { baseDelayMs: 1 } }));
    const info = await transporter.sendMail({ from: 'Acme <hello@acme.example>', to: 'ann@example.org, gone@example.org', bcc: 'audit@acme.example', subject: 'Hi', text: 'Hello', messageId: '<m-1@acme.example>' });

    expect(herald.got.map((g) => [g.path, g.key])).toEqual([
      ['/v1/messages/raw', '<m-1@acme.example>'],
      ['/v1/messages/raw', '<m-1@acme.example>'],
    ]);
    const { raw, recipients } = herald.got[0]?.body as { raw: string; recipients: string[] };
    expect(recipients).toEqual(['ann@example.org', 'gone@example.org', 'audit@acme.example']);
    const mime = Buffer.from(raw, 'base64').toString();
    expect(mime).toMatch(/^Message-ID: <m-1@acme\.example>\r$/m);
    expect(mime).toMatch(/^Subject: Hi\r$/m);
    expect(mime).not.toMatch(/^Bcc:/im);
    expect(info).toMatchObject({
      messageId: 'msg_1',
      messageIdHeader: '<m-1@acme.example>',
      envelope: { from: 'hello@acme.example', to: ['ann@example.org', 'gone@example.org', 'audit@acme.example'] },
      accepted: ['ann@example.org', 'audit@acme.example'],
      rejected: ['gone@example.org'],
      pending: [],
    });
  });

  it("rejects with Herald's error, not retried", async () => {
    const herald = fakeHerald([{ status: 403, body: { error: { code: 'domain_not_verified', message: 'other.example is not verified', details: [{ field: 'from', message: 'not verified' }] } } }]);
    const transporter = nodemailer.createTransport(heraldTransport({ url: 'https://herald.test', apiKey: 'hk_test_x', fetch: herald.fetch }));
    const error = await transporter.sendMail({ from: 'hello@other.example', to: 'ann@example.org', subject: 'x', text: 'x' }).then(() => null, (err: unknown) => err);
    expect(error).toBeInstanceOf(HeraldApiError);
    expect(error).toMatchObject({ status: 403, code: 'domain_not_verified', details: [{ field: 'from', message: 'not verified' }] });
    expect(herald.got).toHaveLength(1);
  });

  it('uses a Message-ID that is no valid key (spaces, over 256 characters, not ASCII) by its SHA-256', () => {
    expect(idempotencyKey('<a@b.example>')).toBe('<a@b.example>');
    for (const odd of ['<a b@c.example>', `<${'x'.repeat(300)}@c.example>`, '<jürgen@c.example>']) {
      expect(idempotencyKey(odd)).toMatch(/^message-id-sha256:[0-9a-f]{64}$/);
    }
    expect(idempotencyKey('<a b@c.example>')).toBe(idempotencyKey('<a b@c.example>'));
  });
});
