import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, newId } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { tamperedKey } from '@herald/test/support/scoped-key.ts';

const ADMIN_TOKEN = 'admin-token-for-challenge-tests-0123456789';
const CHALLENGE = 'Bearer realm="herald"';

/** RFC 9110 §15.5.2 and RFC 6750 §3: every 401 says how to authenticate, and why a token was refused. */
describe('401 answers carry a WWW-Authenticate challenge', () => {
  let api: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN });
    project = await seedProject(api.db, 'challenge');
  });
  afterAll(() => api.close());

  const get = (url: string, authorization?: string) =>
    api.app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });

  /** A key of the project stored with the given expiry or revocation. */
  async function storedKey(data: { expiresAt?: Date; revokedAt?: Date }): Promise<string> {
    const key = generateApiKey('live');
    await api.db.apiKey.create({
      data: { id: newId('apiKey'), projectId: project.id, name: 'challenge', prefix: key.prefix, hash: key.hash, mode: key.mode, scopes: ['full'], ...data },
    });
    return key.key;
  }

  it('challenges a request that presented no bearer token with the realm only, without an error attribute', async () => {
    for (const authorization of [undefined, `Basic ${Buffer.from('herald:secret').toString('base64')}`, 'Bearer']) {
      const response = await get('/v1/messages', authorization);
      expect(response.statusCode, String(authorization)).toBe(401);
      expect(response.headers['www-authenticate'], String(authorization)).toBe(CHALLENGE);
    }
  });

  it('adds error="invalid_token" and a description when the key is unknown, malformed, revoked or expired', async () => {
    const keys = {
      unknown: generateApiKey('live').key,
      malformed: tamperedKey(project.key),
      revoked: await storedKey({ revokedAt: new Date(Date.now() - 1000) }),
      expired: await storedKey({ expiresAt: new Date(Date.now() - 1000) }),
    };
    for (const [what, key] of Object.entries(keys)) {
      const response = await get('/v1/messages', `Bearer ${key}`);
      expect(response.statusCode, what).toBe(401);
      expect(response.json(), what).toEqual({ error: { code: 'unauthorized', message: 'the API key is not valid' } });
      expect(response.headers['www-authenticate'], what).toBe(`${CHALLENGE}, error="invalid_token", error_description="the API key is not valid"`);
    }
  });

  it('challenges on the admin API too: the realm without a token, invalid_token with a wrong one or a project key', async () => {
    expect((await get('/admin/projects')).headers['www-authenticate']).toBe(CHALLENGE);
    for (const wrong of [`${ADMIN_TOKEN}x`, project.key]) {
      const response = await get('/admin/projects', `Bearer ${wrong}`);
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe(`${CHALLENGE}, error="invalid_token", error_description="the admin token is not valid"`);
    }
  });

  it('sends no challenge with answers other than 401', async () => {
    const ok = await get('/v1/messages', project.auth.authorization);
    const admin = await get('/admin/projects', `Bearer ${ADMIN_TOKEN}`);
    const missing = await get('/v1/messages/msg_nothing', project.auth.authorization);
    expect([ok.statusCode, admin.statusCode, missing.statusCode]).toEqual([200, 200, 404]);
    for (const response of [ok, admin, missing]) expect(response.headers['www-authenticate']).toBeUndefined();
  });
});
