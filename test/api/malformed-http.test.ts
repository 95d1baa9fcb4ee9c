import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, REDACT_PATHS } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '../support/api-app.ts';
import { capturedLog } from '../support/captured-log.ts';

interface RawAnswer {
  statusLine: string;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Writes the bytes on a new connection and reads the whole answer (requests say Connection: close).
 * `halfClose` ends the client's side after them: Node then aborts a request still being handled.
 */
function exchange(port: number, request: string | Buffer, halfClose = false): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no complete answer within 5 s')), 5_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // a server that closes with request bytes unread may reset the connection after its answer
    socket.on('error', (err) => (chunks.length === 0 ? reject(err) : undefined));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseAnswer(Buffer.concat(chunks).toString('utf8')));
    });
    if (halfClose) socket.end(request);
    else socket.write(request);
  });
}

function parseAnswer(raw: string): RawAnswer {
  const end = raw.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = raw.slice(0, end).split('\r\n');
  const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { statusLine, status: Number(statusLine.split(' ')[1]), headers, body: raw.slice(end + 4) };
}

/** The answer is a 4xx in Herald's shape, {"error":{"code","message"[,"details"]}}, with a registered code. */
function expectHeraldError(answer: RawAnswer, label: string): string {
  expect(answer.status, `${label}: ${answer.statusLine} ${answer.body}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, label).toBeLessThan(500);
  expect(answer.headers['content-type'], label).toBe('application/json; charset=utf-8');
  expect(Number(answer.headers['content-length']), label).toBe(Buffer.byteLength(answer.body));
  const body = JSON.parse(answer.body) as { error: { code: keyof typeof ERROR_CODES; message: string; details?: unknown } };
  expect(Object.keys(body), label).toEqual(['error']);
  expect(Object.keys(body.error).filter((k) => k !== 'details'), label).toEqual(['code', 'message']);
  expect(typeof body.error.message, label).toBe('string');
  expect(ERROR_CODES[body.error.code]?.status, `${label}: ${body.error.code} is not in the registry with status ${answer.status}`).toBe(answer.status);
  return body.error.code;
}

/**
 * Requests Node's HTTP parser or fastify's router refuse before any Herald handler runs still get
 * Herald's error shape with a registered code (RELIABILITY.md, "Bad input"). app.inject cannot send
 * them: these tests talk to a listening server over raw sockets.
 */
describe('malformed HTTP requests', () => {
  let api: TestApi;
  let project: TestProject;
  let port: number;
  const captured = capturedLog({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } });

  beforeAll(async () => {
    api = await buildTestApi({}, { log: captured.log });
    project = await seedProject(api.db, 'malformed');
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as AddressInfo).port;
  });
  afterAll(() => api.close());

  const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
  /** A POST whose framing is written out by hand; authenticated, so that the body is read. */
  const framed = (...lines: string[]) => head(['POST /v1/messages HTTP/1.1', 'Host: herald.test', `Authorization: Bearer ${project.key}`, ...lines]);
  const get = (path: string, ...extra: string[]) => head([`GET ${path} HTTP/1.1`, 'Host: herald.test', `Authorization: Bearer ${project.key}`, 'Connection: close', ...extra]);
  const post = (path: string, body: string | Buffer, ...extra: string[]) =>
    Buffer.concat([
      Buffer.from(
        head([`POST ${path} HTTP/1.1`, 'Host: herald.test', `Authorization: Bearer ${project.key}`, 'Connection: close', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, ...extra]),
      ),
      Buffer.from(body),
    ]);
  const message = (subject: string) => `{"from":"a@${project.domain}","to":"x@example.org","text":"t","subject":"${subject}"}`;

  it("answers what Node's HTTP parser refuses with a complete HTTP/1.1 response in Herald's shape, then closes", async () => {
    const cases: [string, string, number, string, boolean?][] = [
      ['headers over the size limit', get('/v1/messages', `X-Padding: ${'a'.repeat(20_000)}`), 431, 'header_fields_too_large'],
      ['NUL in a header value', get('/v1/messages', 'X-Ref: a\u0000b'), 400, 'bad_request'],
      ['a control character in a header value', get('/v1/messages', 'X-Ref: a\u0001b'), 400, 'bad_request'],
      ['a space before the colon of a header', get('/v1/messages', 'X-Ref : b'), 400, 'bad_request'],
      ['a chunk size that is not hexadecimal', framed('Content-Type: application/json', 'Transfer-Encoding: chunked') + 'zz\r\n{}\r\n0\r\n\r\n', 400, 'bad_request'],
      ['both Content-Length and Transfer-Encoding', framed('Content-Length: 5', 'Transfer-Encoding: chunked') + '0\r\n\r\n', 400, 'bad_request'],
      ['two Content-Length headers', framed('Content-Length: 2', 'Content-Length: 3') + '{}', 400, 'bad_request'],
      ['a space in the path', get('/v1/mess ages'), 400, 'bad_request'],
      ['a body shorter than its Content-Length', framed('Content-Type: application/json', 'Content-Length: 10') + '{}', 400, 'bad_request', true],
    ];
    for (const [label, request, status, code, halfClose] of cases) {
      const answer = await exchange(port, request, halfClose);
      expect(answer.statusLine, label).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      expect(answer.headers['connection'], label).toBe('close');
      expect(expectHeraldError(answer, label), label).toBe(code);
    }
  });

  it("answers every nasty request with a 4xx in Herald's shape and a registered code, never a 5xx or fastify's default", async () => {
    const nasty: [string, string | Buffer, string][] = [
      ['headers over the size limit', get('/v1/messages', `X-Padding: ${'a'.repeat(70_000)}`), 'header_fields_too_large'],
      ['NUL in a header value', get('/v1/messages', 'Idempotency-Key: a\u0000b'), 'bad_request'],
      ['DEL in a header value', get('/v1/messages', 'X-Ref: a\u007fb'), 'bad_request'],
      ['bad chunked framing', framed('Content-Type: application/json', 'Transfer-Encoding: chunked') + '2\r\n{}XX0\r\n\r\n', 'bad_request'],
      ['a bare LF ending the request line', 'GET /v1/messages HTTP/1.1\nHost: herald.test\n\n', 'bad_request'],
      ['an unknown HTTP version', head(['GET /v1/messages HTTP/7.0', 'Host: herald.test']), 'bad_request'],
      ['HTTP/1.1 without Host', head(['GET /v1/messages HTTP/1.1', `Authorization: Bearer ${project.key}`, 'Connection: close']), 'bad_request'],
      ['an Expect other than 100-continue', post('/v1/messages', message('x'), 'Expect: the-moon'), 'expectation_failed'],
      ['bad percent-encoding in the path', get('/v1/messages/%ff%fe'), 'validation_failed'],
      ['an encoded surrogate in the path', get('/v1/domains/%ed%a0%80'), 'validation_failed'],
      ['an overlong path parameter', get(`/v1/messages/msg_${'a'.repeat(600)}`), 'uri_too_long'],
      ['%00 in a path id', get('/v1/messages/msg_%00'), 'validation_failed'],
      ['%00 in the path of a webhook', get('/v1/webhooks/%00'), 'validation_failed'],
      ['%00 in a query filter', get('/v1/messages?recipient=%00'), 'validation_failed'],
      ['bad percent-encoding in a query filter', get('/v1/messages?recipient=%ff'), 'validation_failed'],
      ['invalid UTF-8 in the body', post('/v1/messages', Buffer.concat([Buffer.from(message('f')), Buffer.from([0xff])])), 'validation_failed'],
      ['NUL in a JSON string', post('/v1/messages', message('a\\u0000b')), 'validation_failed'],
      ['a lone surrogate in a JSON string', post('/v1/messages', message('a\\ud800b')), 'validation_failed'],
      ['NUL in a suppression note', post('/v1/suppressions', '{"email":"a@example.org","note":"\\u0000"}'), 'validation_failed'],
      ['a body that is not JSON', post('/v1/messages', '{"from":'), 'validation_failed'],
      ['a "__proto__" key', post('/v1/messages', '{"__proto__":{"x":1},"to":"x@example.org"}'), 'validation_failed'],
      ['a "__proto__" key spelled with escapes', post('/v1/messages', '{"\\u005f_proto__":{"x":1},"to":"x@example.org"}'), 'validation_failed'],
      ['a "constructor" key', post('/v1/messages', '{"to":"x@example.org","constructor":{"prototype":{"x":1}}}'), 'validation_failed'],
      ['a "constructor" key spelled with escapes', post('/v1/messages', '{"to":"x@example.org","constructo\\u0072":{"prototype":{}}}'), 'validation_failed'],
      ['a body that is not JSON at all', framed('Content-Type: text/plain', 'Content-Length: 5', 'Connection: close') + 'hello', 'unsupported_media_type'],
    ];
    for (const [label, request, code] of nasty) {
      const answer = await exchange(port, request);
      expect(expectHeraldError(answer, label), label).toBe(code);
    }
  });

  it('answers a request that does not arrive in time with 408 request_timeout', async () => {
    // Node raises this after headersTimeout/requestTimeout (checked every 30 s): the same event, raised now
    const serverSide = new Promise<Socket>((resolve) => api.app.server.once('connection', resolve));
    const client = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    const closed = new Promise((resolve) => client.on('close', resolve));
    client.write('GET /v1/messages HTTP/1.1\r\nHost: herald.test\r\n');
    const socket = await serverSide;
    api.app.server.emit('clientError', Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket);
    await closed;
    const answer = parseAnswer(Buffer.concat(chunks).toString('utf8'));
    expect(answer.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(expectHeraldError(answer, 'timeout')).toBe('request_timeout');
  });

  it('logs a refused request without its headers or URL, so no key reaches the log', async () => {
    const before = captured.text().length;
    const answer = await exchange(port, get(`/v1/messages?api_key=${project.key}`, `X-Padding: ${'a'.repeat(20_000)}`));
    expect(answer.status).toBe(431);
    const written = captured.text().slice(before);
    expect(written).toContain('refused a request Node could not read: header_fields_too_large');
    expect(written).not.toContain(project.key.slice(8));
  });
});
