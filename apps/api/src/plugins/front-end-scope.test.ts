import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Db } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { TEST_DATABASE_URL } from '@herald/test/support/env.ts';
import { seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { authenticate, type KeyExtractor } from './authenticate.ts';
import { registerErrorHandler, type ErrorPresenter } from './error-handler.ts';

/** A vendor's token header and error shape, as a compatible scope would bring them (Postmark's, roughly). */
const tokenHeader: KeyExtractor = (request) => {
  const token = request.headers['x-vendor-server-token'];
  return typeof token === 'string' && token ? { key: token } : { missing: 'X-Vendor-Server-Token is required' };
};
const vendorShape: ErrorPresenter = (error, _request, reply) => reply.status(error.status).send({ ErrorCode: error.status === 401 ? 10 : 1, Message: error.message });

/**
 * What a new front end brings to the API process: where its key is (a key extractor) and how its
 * errors look (an error presenter), per route scope, over the same key lookup and error registry.
 */
describe("a front end's own key header and error shape, in a route scope of its own", () => {
  let db: Db;
  let app: FastifyInstance;
  let project: TestProject;

  beforeAll(async () => {
    db = createDb(TEST_DATABASE_URL, { poolSize: 2 });
    const store = createStore(db);
    project = await seedProject(db, 'scope');
    app = Fastify();
    registerErrorHandler(app);
    await app.register(
      async (scope) => {
        registerErrorHandler(scope, vendorShape);
        scope.addHook('onRequest', authenticate(store, tokenHeader));
        scope.get('/whoami', async (request) => ({ project: request.auth.projectId }));
      },
      { prefix: '/vendor' },
    );
    await app.register(
      async (scope) => {
        scope.addHook('onRequest', authenticate(store));
        scope.get('/whoami', async (request) => ({ project: request.auth.projectId }));
      },
      { prefix: '/v1' },
    );
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.project.delete({ where: { id: project.id } });
    await db.$disconnect();
  });

  it("resolves the key from the scope's header to the same project as a Bearer key", async () => {
    const vendor = await app.inject({ method: 'GET', url: '/vendor/whoami', headers: { 'x-vendor-server-token': project.key } });
    const own = await app.inject({ method: 'GET', url: '/v1/whoami', headers: project.auth });
    expect([vendor.statusCode, vendor.json()]).toEqual([200, { project: project.id }]);
    expect([own.statusCode, own.json()]).toEqual([200, { project: project.id }]);
  });

  it("answers a missing or invalid key, and an unknown route, in the scope's shape, and in Herald's elsewhere", async () => {
    const missing = await app.inject({ method: 'GET', url: '/vendor/whoami', headers: project.auth });
    expect([missing.statusCode, missing.json()]).toEqual([401, { ErrorCode: 10, Message: 'X-Vendor-Server-Token is required' }]);
    const invalid = await app.inject({ method: 'GET', url: '/vendor/whoami', headers: { 'x-vendor-server-token': `${project.key}x` } });
    expect([invalid.statusCode, invalid.json()]).toEqual([401, { ErrorCode: 10, Message: 'the API key is not valid' }]);
    const unknown = await app.inject({ method: 'GET', url: '/vendor/nothing-here', headers: { 'x-vendor-server-token': project.key } });
    expect([unknown.statusCode, unknown.json()]).toEqual([404, { ErrorCode: 1, Message: 'no route GET /vendor/nothing-here' }]);
    const own = await app.inject({ method: 'GET', url: '/v1/whoami' });
    expect([own.statusCode, own.json()]).toEqual([401, { error: { code: 'unauthorized', message: 'Authorization: Bearer <api key> is required' } }]);
    expect(own.headers['www-authenticate']).toBe('Bearer realm="herald"');
  });
});
