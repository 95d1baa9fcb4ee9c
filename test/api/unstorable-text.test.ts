import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../apps/api/src/openapi/openapi-document.ts';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '../support/api-app.ts';

const ADMIN_TOKEN = 'admin-token-for-text-tests-0123456789abcdef';
const NUL = 'must not contain the NUL character (U+0000)';
const LONE = 'must be valid Unicode (it contains a lone UTF-16 surrogate)';

type Parameter = { in: 'path' | 'query' | 'header'; name: string };
type Operation = { method: string; path: string; parameters: Parameter[]; body: boolean };
type ErrorAnswer = { error: { code: string; details?: { field: string; message: string }[] } };

/**
 * NUL (U+0000) and lone UTF-16 surrogates cannot be stored in Postgres text, and bytes that are not
 * UTF-8 cannot be read as text without changing them: wherever a request carries them (a JSON string
 * or key, a path id, a query filter, a header) the answer is 400 validation_failed naming the field,
 * never a 500 and never a silent replacement. The routes are read from the OpenAPI document, so a
 * new route is covered without touching this test.
 */
describe('text Postgres cannot store, and bodies that are not UTF-8', () => {
  let api: TestApi;
  let project: TestProject;
  let operations: Operation[];
  let vendorOperations: Operation[];
  const VENDOR_PREFIX = /^\/(postmark|resend|sendgrid)\//;

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN });
    project = await seedProject(api.db, 'text');
    const document = (await openApiDocument()) as { paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: unknown }>> };
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, op]) => ({ method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: op.requestBody !== undefined })),
    );
    // the vendors' request shapes answer in their vendors' error shapes: checked apart, below
    vendorOperations = operations.filter((op) => VENDOR_PREFIX.test(op.path));
    operations = operations.filter((op) => !VENDOR_PREFIX.test(op.path));
  });
  afterAll(() => api.close());

  const authFor = (path: string) =>
    path.startsWith('/admin/') ? { authorization: `Bearer ${ADMIN_TOKEN}` } : path.startsWith('/v1/') ? project.auth : {};

  const send = (payload: string | Buffer, url = '/v1/messages') =>
    api.app.inject({ method: 'POST', url, headers: { ...project.auth, 'content-type': 'application/json' }, payload });

  /** The details of a 400 validation_failed answer; fails the test on any other answer. */
  function details(response: { statusCode: number; json: <T>() => T; body: string }, label = ''): { field: string; message: string }[] {
    expect(response.statusCode, `${label} ${response.body.slice(0, 200)}`).toBe(400);
    const body = response.json<ErrorAnswer>();
    expect(body.error.code, label).toBe('validation_failed');
    return body.error.details ?? [];
  }

  const message = (fields: Record<string, unknown> = {}) => ({ from: `a@${project.domain}`, to: 'x@example.org', subject: 'hi', text: 'body', ...fields });

  it('refuses a NUL character in any JSON string or key with 400 naming the field, and stores nothing', async () => {
    const before = await countProjectRows(api.db, project.id);
    const single = await send(
      JSON.stringify(
        message({
          subject: 'a\u0000b',
          html: '<p>\u0000</p>',
          headers: { 'X-Ref': 'r\u0000' },
          metadata: { order: '42\u0000', ['bad\u0000key']: 'v' },
          attachments: [{ filename: 'a\u0000.txt', content: 'aGk=' }],
        }),
      ),
    );
    expect(details(single)).toEqual([
      { field: 'subject', message: NUL },
      { field: 'html', message: NUL },
      { field: 'headers.X-Ref', message: NUL },
      { field: 'metadata.order', message: NUL },
      { field: 'metadata', message: `has a key that ${NUL}` },
      { field: 'attachments.0.filename', message: NUL },
    ]);
    const batch = await send(JSON.stringify({ messages: [message(), message({ tags: ['t\u0000'] })] }), '/v1/messages/batch');
    expect(details(batch)).toEqual([{ field: 'messages.1.tags.0', message: NUL }]);
    const suppression = await api.app.inject({ method: 'POST', url: '/v1/suppressions', headers: project.auth, payload: { email: 'nul@example.org', note: 'why\u0000' } });
    expect(details(suppression)).toEqual([{ field: 'note', message: NUL }]);
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
    expect(await api.db.suppression.count({ where: { projectId: project.id } })).toBe(0);
  });

  it('refuses a lone UTF-16 surrogate with 400 "must be valid Unicode", and stores a surrogate pair exactly', async () => {
    // JSON escapes are written out: JSON.stringify would not produce a lone surrogate escape the way clients do
    const escaped = (subject: string) => `{"from":"a@${project.domain}","to":"x@example.org","text":"t","subject":"${subject}"}`;
    for (const subject of ['a\\ud800', '\\udc00b', '\\ude00\\ud83d', '\\uD83D']) {
      expect(details(await send(escaped(subject)), subject)).toEqual([{ field: 'subject', message: LONE }]);
    }
    const emoji = await send(escaped('smile \\ud83d\\ude00'));
    expect(emoji.statusCode).toBe(202);
    const stored = await api.db.message.findUniqueOrThrow({ where: { id: emoji.json<{ id: string }>().id } });
    expect(stored.subject).toBe('smile \u{1F600}');
  });

  it('refuses a body that is not UTF-8 with 400 naming the offset of the first bad byte, instead of replacing it', async () => {
    const before = await countProjectRows(api.db, project.id);
    const prefix = Buffer.from(`{"from":"a@${project.domain}","to":"x@example.org","text":"body","subject":"f`);
    const at = prefix.length;
    const cases: [string, number[], number][] = [
      ['a byte that never starts a character', [0xff], at],
      ['a lone continuation byte', [0x80], at],
      ['an overlong form of "/"', [0xc0, 0xaf], at],
      ['an encoded surrogate (CESU-8)', [0xed, 0xa0, 0x80], at + 1],
      ['a sequence cut short', [0xe2, 0x82], at + 2],
      ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], at + 1],
    ];
    for (const [what, bytes, offset] of cases) {
      const body = Buffer.concat([prefix, Buffer.from(bytes), Buffer.from('z"}')]);
      expect(details(await send(body), what)).toEqual([{ field: 'body', message: `must be valid UTF-8 (invalid byte at offset ${offset})` }]);
    }
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
    // the same text in proper UTF-8 is accepted and stored as sent
    const fine = await send(Buffer.concat([prefix, Buffer.from('ÿ€😀z"}')]));
    expect(fine.statusCode).toBe(202);
    expect((await api.db.message.findUniqueOrThrow({ where: { id: fine.json<{ id: string }>().id } })).subject).toBe('fÿ€😀z');
  });

  it('answers 400 naming the field to a NUL in the body of every route that takes one', async () => {
    const withBody = operations.filter((op) => op.body);
    expect(withBody.length).toBeGreaterThanOrEqual(9);
    for (const op of withBody) {
      const url = op.path.replace(/\{[^}]+\}/g, 'x');
      const response = await api.app.inject({
        method: op.method as 'POST',
        url,
        headers: { ...authFor(op.path), 'content-type': 'application/json' },
        payload: '{"anything":"a\\u0000"}',
      });
      expect(details(response, `${op.method} ${op.path}`)).toEqual([{ field: 'anything', message: NUL }]);
    }
  });

  it("refuses a NUL in the body of every vendor-compatible route in its vendor's shape (4xx, never a 500), storing nothing", async () => {
    const withBody = vendorOperations.filter((op) => op.body);
    expect(withBody.length).toBeGreaterThanOrEqual(4);
    const before = await countProjectRows(api.db, project.id);
    const key = project.auth.authorization.slice('Bearer '.length);
    const from = `a@${project.domain}`;
    const bodies: Record<string, unknown> = {
      postmark: { From: from, To: 'x@example.org', Subject: 's\u0000', TextBody: 'b' },
      resend: { from, to: 'x@example.org', subject: 's\u0000', text: 'b' },
      sendgrid: { personalizations: [{ to: [{ email: 'x@example.org' }] }], from: { email: from }, subject: 's\u0000', content: [{ type: 'text/plain', value: 'b' }] },
    };
    for (const op of withBody) {
      const vendor = VENDOR_PREFIX.exec(op.path)?.[1] as string;
      const one = bodies[vendor];
      const payload = JSON.stringify(op.path.endsWith('/batch') ? [one] : one);
      const headers = { ...(vendor === 'postmark' ? { 'x-postmark-server-token': key } : project.auth), 'content-type': 'application/json' };
      const response = await api.app.inject({ method: op.method as 'POST', url: op.path.replace(/\{[^}]+\}/g, 'x'), headers, payload });
      expect(response.statusCode, `${op.method} ${op.path} ${response.body.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `${op.method} ${op.path}`).toBeLessThan(500);
    }
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });

  it('answers 400 naming params.<name>, query.<name> or headers.<name> to %00 in any parameter of every route', async () => {
    let checked = 0;
    for (const op of operations) {
      for (const parameter of op.parameters) {
        const value = parameter.in === 'header' ? 'a\u0000' : 'msg_%00';
        let url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => (parameter.in === 'path' && name === parameter.name ? value : 'x'));
        if (parameter.in === 'query') url += `?${parameter.name}=${value}`;
        const headers = { ...authFor(op.path), ...(parameter.in === 'header' ? { [parameter.name]: value } : {}) };
        const response = await api.app.inject({ method: op.method as 'GET', url, headers });
        const where = { path: 'params', query: 'query', header: 'headers' }[parameter.in];
        expect(details(response, `${op.method} ${url}`)).toContainEqual({ field: `${where}.${parameter.name}`, message: NUL });
        checked += 1;
      }
    }
    // every id in a path, every list filter and the Idempotency-Key header
    expect(checked).toBeGreaterThanOrEqual(36);
  });

  it('refuses a query or a path that is not percent-encoded UTF-8 instead of reading it as other text', async () => {
    const get = (url: string) => api.app.inject({ method: 'GET', url, headers: project.auth });
    for (const query of ['recipient=%ff', 'tag=%ed%a0%80', 'recipient=a%zz', 'recipient=%e2%82']) {
      const field = `query.${query.split('=')[0]}`;
      expect(details(await get(`/v1/messages?${query}`), query)).toEqual([{ field, message: 'must be valid percent-encoded UTF-8' }]);
    }
    for (const path of ['/v1/messages/%ff%fe', '/v1/messages/%ed%a0%80', '/v1/domains/%zz', '/v1/suppressions/a%c0%afb%40example.org']) {
      expect(details(await get(path), path)).toEqual([{ field: 'path', message: 'must be valid percent-encoded UTF-8' }]);
    }
    // well-formed encodings still work
    expect((await get('/v1/messages?recipient=j%C3%BCrgen%40example.org&status=queued')).statusCode).toBe(200);
    const unsuppress = await api.app.inject({ method: 'DELETE', url: '/v1/suppressions/a%2Bb%40example.org', headers: project.auth });
    expect(unsuppress.json()).toEqual({ error: { code: 'not_found', message: 'a+b@example.org is not suppressed' } });
  });
});
