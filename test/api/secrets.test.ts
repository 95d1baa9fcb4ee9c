import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '@herald/api';
import { apiSettings, createProject, createResolver, createStore, domainSettings, parseSettings, REDACT_PATHS, UNCACHED, type Db } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { TEST_DATABASE_URL, TEST_MASTER_KEY, uniqueName } from '../support/env.ts';
import { capturedLog } from '../support/captured-log.ts';

/** "The API never logs a key or a DKIM private key; a database dump contains no usable secret." */
describe('secrets stay secret', () => {
  let db: Db;
  const captured = capturedLog({ level: 'trace', redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
  let app: Awaited<ReturnType<typeof buildApp>>;
  const secrets: string[] = [];

  beforeAll(async () => {
    db = createDb(TEST_DATABASE_URL, { poolSize: 2 });
    const config = parseSettings(apiSettings, { DATABASE_URL: TEST_DATABASE_URL, HERALD_MASTER_KEY: TEST_MASTER_KEY });
    app = await buildApp({
      config,
      db,
      store: createStore(db),
      log: captured.log,
      enqueue: async () => undefined,
      readiness: {},
      resolver: createResolver({ servers: ['127.0.0.1:9'], timeoutMs: 200, tries: 1, cache: UNCACHED }),
      masterKey: Buffer.from(TEST_MASTER_KEY, 'base64'),
      domainSettings: domainSettings(config),
    });
    const project = await createProject(db, uniqueName('secrets'));
    secrets.push(project.apiKey.key);
    const auth = { authorization: `Bearer ${project.apiKey.key}` };
    const domain = await app.inject({ method: 'POST', url: '/v1/domains', headers: auth, payload: { name: `${uniqueName('sec')}.example`, ed25519: true } });
    expect(domain.statusCode).toBe(201);
    const key = await app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth, payload: { name: 'leaky?', scopes: ['full'] } });
    secrets.push(key.json<{ key: string }>().key);
    // requests that fail log too: a bad key, a malformed body
    await app.inject({ method: 'GET', url: '/v1/messages', headers: { authorization: `Bearer ${secrets[1]}x` } });
    await app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { nonsense: true } });
  });
  afterAll(async () => {
    await app.close();
    await db.$disconnect();
  });

  it('never writes an API key or a private key to the logs, even at trace level', () => {
    expect(captured.text()).toContain('"url":"/v1/api-keys"');
    for (const secret of secrets) expect(captured.text()).not.toContain(secret.slice(8));
    expect(captured.text()).not.toMatch(/PRIVATE KEY/);
  });

  it('never logs a key sent in the query string or the path, on refused, accepted, missing and malformed requests', async () => {
    const key = secrets[0] as string;
    const before = captured.text().length;
    const auth = { authorization: `Bearer ${key}` };
    const requests: { url: string; status: number; headers?: Record<string, string> }[] = [
      { url: `/v1/messages?api_key=${key}`, status: 401 },
      { url: `/v1/messages?limit=5&api_key=${key}`, status: 400, headers: auth },
      { url: `/healthz?api_key=${key}`, status: 200 },
      { url: `/v1/messages?${key}`, status: 401 },
      { url: `/v1/${key}/messages?token=${key}`, status: 404, headers: auth },
      { url: `/nowhere?api_key=${encodeURIComponent(key)}`, status: 404 },
      { url: `/v1/messages/%ff?api_key=${key}`, status: 400, headers: auth },
      { url: `/v1/messages/msg_%00?api_key=${key}`, status: 400, headers: auth },
      { url: `/v1/messages/${'a'.repeat(600)}?api_key=${key}`, status: 414, headers: auth },
      { url: `/v1/messages?recipient=%ff&api_key=${key}`, status: 400, headers: auth },
    ];
    for (const { url, status, headers } of requests) {
      const response = await app.inject({ method: 'GET', url, headers: headers ?? {} });
      expect(response.statusCode, url.slice(0, 40)).toBe(status);
    }
    const written = captured.text().slice(before);
    // the requests were logged, with the path and the query's names but no value
    expect(written).toContain('"url":"/v1/messages?api_key=[redacted]"');
    expect(written).toContain('"url":"/v1/messages?limit=[redacted]&api_key=[redacted]"');
    expect(written).toContain('"url":"/v1/[redacted]/messages?token=[redacted]"');
    expect(written).not.toContain(key.slice(8));
    expect(written).not.toContain(encodeURIComponent(key).slice(8));
  });

  it('redacts the Authorization header, and key-named fields, wherever a log line carries them', () => {
    const { log, text } = capturedLog({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
    log.info({ req: { headers: { authorization: `Bearer ${secrets[0]}` } }, apiKey: secrets[1], privateKeyPem: '-----BEGIN PRIVATE KEY-----' }, 'careless');
    const line = text();
    expect(line).toContain('[redacted]');
    for (const secret of secrets) expect(line).not.toContain(secret.slice(8));
    expect(line).not.toContain('PRIVATE KEY');
  });

  it('keeps no usable secret in a database dump: no key, no private key in the clear', () => {
    const dump = execFileSync('pg_dump', ['--data-only', '--table=api_keys', '--table=dkim_keys', '--table=projects', '--table=domains', TEST_DATABASE_URL], {
      maxBuffer: 512 * 1024 * 1024,
    }).toString();
    expect(dump).toContain('dkim_keys');
    for (const secret of secrets) expect(dump).not.toContain(secret.slice(8));
    expect(dump).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    // nor the base64 DER of a private key (PKCS#8 RSA and Ed25519 start so); public keys are fine
    expect(dump).not.toMatch(/MIIE[A-Za-z0-9+/]{2}IBADAN|MC4CAQAwBQYDK2Vw/);
    expect(dump).toMatch(/MIIBIjAN/);
  });
});
