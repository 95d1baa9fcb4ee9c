import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addSuppression,
  countWaitingMessages,
  deleteDomain,
  deleteWebhookEndpoint,
  findDomain,
  findMessage,
  findMessageStatus,
  findRawMessage,
  findWebhookEndpoint,
  knownDomainNames,
  listApiKeys,
  listDomains,
  listMessageEvents,
  listMessages,
  listSuppressions,
  listWebhookDeliveries,
  listWebhookEndpoints,
  removeSuppression,
  replayWebhookDeliveries,
  retryWebhookDelivery,
  revokeApiKey,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from '@herald/core';
import { TEST_MASTER_KEY } from '../support/env.ts';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '../support/api-app.ts';

/**
 * The resource queries of core (core/<resource>/queries.ts) are what the API, the dashboard and the
 * compatible endpoints read through: each must find nothing of another project's and change nothing of
 * it, whoever calls it. Project A's id with project B's ids, query by query.
 */
describe("core's resource queries keep to their project", () => {
  let api: TestApi;
  let a: TestProject;
  let b: TestProject;
  const ids = { message: '', domain: '', webhook: '', delivery: '', domainName: '' };
  const page = { limit: 100 };

  beforeAll(async () => {
    api = await buildTestApi();
    [a, b] = await Promise.all([seedProject(api.db, 'rq-a'), seedProject(api.db, 'rq-b')]);
    const sent = await api.app.inject({ method: 'POST', url: '/v1/messages', headers: b.auth, payload: { from: `x@${b.domain}`, to: 'only-b@example.org', subject: 'B', text: 'B' } });
    ids.message = sent.json<{ id: string }>().id;
    const domain = await api.db.domain.findFirstOrThrow({ where: { projectId: b.id } });
    [ids.domain, ids.domainName] = [domain.id, domain.name];
    await api.app.inject({ method: 'POST', url: '/v1/suppressions', headers: b.auth, payload: { email: 'suppressed-b@example.org' } });
    const webhook = await api.app.inject({ method: 'POST', url: '/v1/webhooks', headers: b.auth, payload: { url: 'https://b.example.com/hook', events: ['message.queued'] } });
    ids.webhook = webhook.json<{ id: string }>().id;
    const test = await api.app.inject({ method: 'POST', url: `/v1/webhooks/${ids.webhook}/test`, headers: b.auth });
    ids.delivery = test.json<{ id: string }>().id;
  });
  afterAll(() => api.close());

  it("finds none of another project's rows", async () => {
    const db = api.db;
    expect(await findMessage(db, a.id, ids.message)).toBeNull();
    expect(await findMessageStatus(db, a.id, ids.message)).toBeNull();
    expect(await findRawMessage(db, a.id, ids.message)).toBeNull();
    expect(await listMessageEvents(db, a.id, ids.message)).toBeNull();
    expect((await listMessages(db, a.id, { recipient: 'only-b@example.org' }, page)).items).toEqual([]);
    expect(await findDomain(db, a.id, ids.domain)).toBeNull();
    expect((await listDomains(db, a.id)).map((d) => d.name)).toEqual([a.domain]);
    expect(await knownDomainNames(db, a.id, [ids.domainName])).toEqual([]);
    expect(await countWaitingMessages(db, a.id, ids.domain)).toBe(0);
    expect((await listApiKeys(db, a.id)).map((k) => k.id)).toEqual([a.apiKeyId]);
    expect((await listSuppressions(db, a.id, {}, page)).items).toEqual([]);
    expect(await findWebhookEndpoint(db, a.id, ids.webhook)).toBeNull();
    expect(await listWebhookEndpoints(db, a.id)).toEqual([]);
    expect((await listWebhookDeliveries(db, a.id, ids.webhook, {}, page)).items).toEqual([]);
  });

  it("changes none of another project's rows", async () => {
    const db = api.db;
    const before = await snapshot();
    expect(await revokeApiKey(db, a.id, b.apiKeyId)).toBe('not_found');
    expect(await deleteDomain(db, a.id, ids.domain)).toBe(false);
    expect(await removeSuppression(db, a.id, 'suppressed-b@example.org')).toBe(false);
    expect(await updateWebhookEndpoint(db, a.id, ids.webhook, { url: 'https://a.example.com/stolen', enabled: false })).toBeNull();
    expect(await rotateWebhookSecret(db, Buffer.from(TEST_MASTER_KEY, 'base64'), { id: ids.webhook, projectId: a.id, secretEncrypted: 'x' })).toBeNull();
    expect(await retryWebhookDelivery(db, a.id, ids.webhook, ids.delivery)).toBeNull();
    expect(await replayWebhookDeliveries(db, a.id, ids.webhook, { since: new Date(0), until: new Date(Date.now() + 60_000) })).toBe(0);
    expect(await deleteWebhookEndpoint(db, a.id, ids.webhook)).toBe(false);
    // the same address suppressed in A is A's own entry; B's stays as it was
    expect((await addSuppression(db, a.id, { email: 'suppressed-b@example.org', reason: 'manual', note: null })).created).toBe(true);
    expect(await snapshot()).toEqual(before);
  });

  /** Everything of B's these queries could reach, as stored. */
  async function snapshot() {
    const db = api.db;
    return {
      key: await db.apiKey.findUnique({ where: { id: b.apiKeyId } }),
      domain: await db.domain.findUnique({ where: { id: ids.domain } }),
      suppressions: await db.suppression.findMany({ where: { projectId: b.id } }),
      webhook: await db.webhookEndpoint.findUnique({ where: { id: ids.webhook } }),
      delivery: await db.webhookDelivery.findUnique({ where: { id: ids.delivery } }),
    };
  }
});
