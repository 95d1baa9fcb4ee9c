import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe('POST /v1/messages: the full message model', () => {
  let api: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_MAX_MESSAGE_BYTES: '4096' });
    project = await seedProject(api.db, 'fields');
  });
  afterAll(() => api.close());

  const send = (payload: object) => api.app.inject({ method: 'POST', url: '/v1/messages', headers: project.auth, payload });
  const base = () => ({ from: `news@${project.domain}`, to: 'ann@example.org', subject: 'Fields', text: 'body' });
  const rawOf = async (id: string) =>
    Buffer.from((await api.db.messageContent.findUniqueOrThrow({ where: { id } })).raw).toString('latin1');

  it('puts reply_to, custom headers, attachments and an inline image into the stored message', async () => {
    const response = await send({
      ...base(),
      reply_to: ['Support <support@example.com>', 'help@example.com'],
      html: '<img src="cid:logo@herald">',
      headers: { 'X-Entity-Ref': 'order-42', 'List-Unsubscribe': '<mailto:unsub@example.com>' },
      attachments: [
        { filename: 'logo.png', content: PNG.toString('base64'), content_type: 'image/png', content_id: 'logo@herald' },
        { filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4 fake').toString('base64'), content_type: 'application/pdf' },
      ],
    });
    expect(response.statusCode).toBe(202);
    const raw = await rawOf(response.json<{ id: string }>().id);
    expect(raw).toMatch(/^Reply-To: Support <support@example.com>, help@example.com$/m);
    expect(raw).toMatch(/^X-Entity-Ref: order-42$/m);
    expect(raw).toMatch(/^List-Unsubscribe: <mailto:unsub@example.com>$/m);
    expect(raw).toMatch(/Content-Type: multipart\/related/);
    expect(raw).toMatch(/^Content-ID: <logo@herald>$/m);
    expect(raw.replace(/\r\n/g, '')).toContain(PNG.toString('base64'));
    expect(raw).toMatch(/Content-Disposition: attachment; filename=invoice.pdf/);
  });

  it('stores tags and metadata and shows them on the message', async () => {
    const response = await send({ ...base(), tags: ['welcome', 'v2_flow'], metadata: { user_id: '123', 'plan.tier': 'pro' } });
    const { id } = response.json<{ id: string }>();
    const shown = await api.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: project.auth });
    expect(shown.json()).toMatchObject({ tags: ['welcome', 'v2_flow'], metadata: { user_id: '123', 'plan.tier': 'pro' } });
  });

  describe('refuses with 400 naming the field, storing nothing', () => {
    const cases: [string, object, string][] = [
      ['a reserved header', { headers: { From: 'ceo@example.com' } }, 'headers.From'],
      ['a DKIM-Signature header', { headers: { 'DKIM-Signature': 'v=1' } }, 'headers.DKIM-Signature'],
      ['a Bcc header', { headers: { bcc: 'spy@example.com' } }, 'headers.bcc'],
      ['a header name with a colon', { headers: { 'X-A:b': 'x' } }, 'headers.X-A:b'],
      ['a line break in a header value', { headers: { 'X-Note': 'a\r\nBcc: spy@example.com' } }, 'headers.X-Note'],
      ['a line break in reply_to', { reply_to: 'a@example.com\nBcc: spy@example.com' }, 'reply_to'],
      ['an attachment given as a path', { attachments: [{ filename: 'passwd', path: '/etc/passwd' }] }, 'attachments.0'],
      ['an attachment given as a URL', { attachments: [{ filename: 'x', href: 'http://169.254.169.254/' }] }, 'attachments.0'],
      ['attachment content that is not base64', { attachments: [{ filename: 'a.txt', content: 'not base64!' }] }, 'attachments.0.content'],
      ['an attachment file name with a path', { attachments: [{ filename: '../etc/passwd', content: 'YQ==' }] }, 'attachments.0.filename'],
      ['a bad content type', { attachments: [{ filename: 'a', content: 'YQ==', content_type: 'text' }] }, 'attachments.0.content_type'],
      ['eleven tags', { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'tags'],
      ['a tag with a space', { tags: ['two words'] }, 'tags.0'],
      ['twenty-one metadata keys', { metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }, 'metadata'],
      ['a metadata value over 500 characters', { metadata: { k: 'x'.repeat(501) } }, 'metadata.k'],
      ['a metadata value that is not a string', { metadata: { k: 1 } }, 'metadata.k'],
      ['send_at without a time zone', { send_at: '2026-12-01T09:00:00' }, 'send_at'],
      ['send_at more than 30 days ahead', { send_at: new Date(Date.now() + 31 * 86_400_000).toISOString() }, 'send_at'],
      ['a right-to-left override in a UTF-8 address', { to: 'jürgen\u202Emoc.elpmaxe@example.org' }, 'to'],
      ['a zero-width space in an address', { cc: ['ann@example.org', 'ad\u200Bmin@example.org'] }, 'cc.1'],
      ['a UTF-8 local part of 66 octets (22 characters)', { bcc: `${'用'.repeat(22)}@example.org` }, 'bcc'],
      ['a lone surrogate in an address', { reply_to: { email: 'a\uD800@example.org' } }, 'reply_to.email'],
      ['U+FFFD in the sender', { from: `j\uFFFDrgen@example.org` }, 'from'],
    ];
    for (const [what, extra, field] of cases) {
      it(`refuses ${what}`, async () => {
        const before = await countProjectRows(api.db, project.id);
        const response = await send({ ...base(), ...extra });
        expect(response.statusCode, response.body).toBe(400);
        const error = response.json<{ error: { code: string; details: { field: string }[] } }>().error;
        expect(error.code).toBe('validation_failed');
        expect(error.details.map((d) => d.field)).toContain(field);
        expect(await countProjectRows(api.db, project.id)).toEqual(before);
      });
    }
  });

  it('encodes names and subjects in any language (RFC 2047) and international domains as punycode', async () => {
    const response = await send({
      ...base(),
      from: { email: `news@${project.domain}`, name: '山田太郎' },
      to: 'Zoë <zoe@bücher.example>',
      subject: 'Grüße – 東京 – 🚀',
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ recipients: [{ email: 'zoe@xn--bcher-kva.example' }] });
    const raw = await rawOf(response.json<{ id: string }>().id);
    expect(raw).toMatch(/^From: =\?UTF-8\?B\?5bGx55Sw5aSq6YOO\?= <news@/m);
    expect(raw).toMatch(/^To: =\?UTF-8\?Q\?Zo=C3=AB\?= <zoe@xn--bcher-kva.example>$/m);
    expect([...Buffer.from(raw, 'latin1')].every((byte) => byte < 0x80)).toBe(true);
  });

  it('accepts internationalised addresses (RFC 6531) in from, to, cc, bcc and reply_to, normalised to NFC, and writes them in UTF-8 (RFC 6532)', async () => {
    const response = await send({
      ...base(),
      from: { email: `jürgen@${project.domain}`, name: 'Jürgen' },
      to: ['Jürgen <ju\u0308rgen@example.org>', '用户@例子.example'],
      cc: 'δοκιμή@example.org',
      bcc: { email: 'हिन्दी@example.org' },
      reply_to: 'ответ@example.com',
    });
    expect(response.statusCode, response.body).toBe(202);
    const { id, recipients } = response.json<{ id: string; recipients: { email: string }[] }>();
    expect(recipients.map((r) => r.email)).toEqual(['j\u00fcrgen@example.org', '用户@xn--fsqu00a.example', 'δοκιμή@example.org', 'हिन्दी@example.org']);
    const header = Buffer.from((await rawOf(id)).split('\r\n\r\n')[0] as string, 'latin1').toString('utf8').replace(/\r\n(?=[ \t])/g, '');
    expect(header).toContain(`From: =?UTF-8?Q?J=C3=BCrgen?= <jürgen@${project.domain}>\r\n`);
    expect(header).toContain('To: =?UTF-8?Q?J=C3=BCrgen?= <j\u00fcrgen@example.org>, 用户@xn--fsqu00a.example\r\n');
    expect(header).toContain('Cc: δοκιμή@example.org\r\n');
    expect(header).toContain('Reply-To: ответ@example.com\r\n');
    expect(header).not.toContain('हिन्दी');
    const shown = await api.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: project.auth });
    expect(shown.json()).toMatchObject({ from: { email: `jürgen@${project.domain}`, name: 'Jürgen' } });
    // found by any case (and Unicode form) of the address
    const listed = await api.app.inject({ method: 'GET', url: `/v1/messages?recipient=${encodeURIComponent('JU\u0308RGEN@example.org')}`, headers: project.auth });
    expect(listed.json<{ data: { id: string }[] }>().data.map((m) => m.id)).toEqual([id]);
  });

  it('escapes what a JSON escape or a DEL makes of the text, and keeps plain ASCII text as it is', async () => {
    // the body as the client wrote it: plain bodies skip the composer's scan (FastifyRequest.plainTextBody)
    const sendJson = (json: string) => api.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...project.auth, 'content-type': 'application/json' }, payload: json });
    const cases: [string, string, string][] = [
      ['a control character escaped as \\u', 'a\\u0001b', 'a=01b'],
      ['a form feed (\\f)', 'form\\ffeed', 'form=0Cfeed'],
      ['a backspace (\\b)', 'back\\bspace', 'back=08space'],
      ['a DEL as it is', 'del\x7fete', 'del=7Fete'],
      ['an accented letter escaped as \\u', 'caf\\u00e9 au lait', 'caf=C3=A9 au lait'],
      ['a backslash and a b', 'not \\\\b a backspace', 'not \\b a backspace'],
    ];
    for (const [label, text, encoded] of cases) {
      const response = await sendJson(`{"from":"news@${project.domain}","to":"ann@example.org","subject":"Escapes","text":"${text}"}`);
      expect(response.statusCode, label).toBe(202);
      const raw = await rawOf(response.json<{ id: string }>().id);
      const body = raw.split('\r\n\r\n')[1] as string;
      expect(body, label).toBe(`${encoded}`);
      expect(raw, label).toMatch(label.startsWith('a backslash') ? /^Content-Transfer-Encoding: 7bit$/m : /^Content-Transfer-Encoding: quoted-printable$/m);
    }
    const plain = await sendJson(`{"from":"news@${project.domain}","to":"ann@example.org","subject":"Plain","text":"plain\\ttext\\nline two"}`);
    const raw = await rawOf(plain.json<{ id: string }>().id);
    expect(raw).toMatch(/^Content-Transfer-Encoding: 7bit$/m);
    expect(raw.split('\r\n\r\n')[1]).toBe('plain\ttext\r\nline two');
  });

  it('answers 413 with the limit when the built message is over the configured size, storing nothing', async () => {
    const before = await countProjectRows(api.db, project.id);
    const response = await send({ ...base(), attachments: [{ filename: 'big.bin', content: Buffer.alloc(4000, 7).toString('base64') }] });
    expect(response.statusCode).toBe(413);
    const error = response.json<{ error: { code: string; message: string; details: { limit_bytes: number; size_bytes: number } } }>().error;
    expect(error.code).toBe('payload_too_large');
    expect(error.details.limit_bytes).toBe(4096);
    expect(error.details.size_bytes).toBeGreaterThan(4096);
    expect(error.message).toContain('4096 bytes');
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });
});
