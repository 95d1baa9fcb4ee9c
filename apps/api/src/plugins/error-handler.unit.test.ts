import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandler } from './error-handler.ts';

/** The error handler alone, on a tiny app whose routes throw what fastify and plugins may throw. */
describe('the error handler', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    registerErrorHandler(app);
    app.get('/throws/:status', async (request) => {
      const { status } = request.params as { status: string };
      throw Object.assign(new Error(`a client error ${status}`), { statusCode: Number(status) });
    });
    app.post('/echo', async (request) => request.body);
    await app.ready();
  });
  afterAll(() => app.close());

  it("answers a client error it has no mapping for with the registry code of its status, or 400 bad_request, in Herald's shape", async () => {
    const answers: Record<string, unknown> = {};
    for (const status of [404, 405, 413, 414, 415, 431, 418, 400]) {
      const response = await app.inject({ method: 'GET', url: `/throws/${status}` });
      answers[status] = [response.statusCode, response.json()];
    }
    const shaped = (code: string, status: number, httpStatus = status) => [httpStatus, { error: { code, message: `a client error ${status}` } }];
    expect(answers).toEqual({
      404: shaped('not_found', 404),
      405: shaped('method_not_allowed', 405),
      413: shaped('payload_too_large', 413),
      414: shaped('uri_too_long', 414),
      415: shaped('unsupported_media_type', 415),
      431: shaped('header_fields_too_large', 431),
      418: shaped('bad_request', 418, 400),
      400: shaped('bad_request', 400),
    });
  });

  it('answers a body that does not match its Content-Length with 400 bad_request', async () => {
    const response = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', 'content-length': '10' }, payload: '{}' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'bad_request', message: 'the body is not as long as its Content-Length says' } });
  });
});
