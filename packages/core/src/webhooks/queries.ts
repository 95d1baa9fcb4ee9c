import type pg from 'pg';
import type { Prisma } from '../generated/prisma/client.ts';
import type { WebhookDeliveryStatus } from '../generated/prisma/enums.ts';
import { seal } from '../crypto/seal.ts';
import type { Db } from '../db/client.ts';
import { newId, webhookDeliveryId } from '../ids.ts';
import { afterPosition, keysetPage, newestFirst, rowsToFetch, type KeysetPage, type PageRequest } from '../pagination/keyset.ts';
import { WEBHOOK_TEST_EVENT } from './event-types.ts';
import { generateWebhookSecret } from './secret.ts';

/**
 * An endpoint that receives events: enabled by its owner and not disabled by Herald (after failing for
 * days, or a 410). The one definition of it, as SQL for the table aliased `alias`, used by intake's
 * lookups, the outcome writer, the webhook dispatcher and activeEndpoints below.
 */
export const ACTIVE_ENDPOINT_SQL = (alias: string): string => `${alias}.enabled AND ${alias}.disabled_at IS NULL`;

type Client = Pick<Db, '$queryRawUnsafe'> | Prisma.TransactionClient;
type Endpoint = { id: string; events: string[] };

const ACTIVE_ENDPOINTS_SQL = `SELECT w.id, coalesce(w.events, '{}') AS events FROM webhook_endpoints w
  WHERE w.project_id = $1 AND ${ACTIVE_ENDPOINT_SQL('w')} ORDER BY w.id`;

/** The project's endpoints that may receive events, with the event types each subscribes to (in a Prisma transaction). */
export function activeEndpoints(db: Client, projectId: string): Promise<Endpoint[]> {
  return db.$queryRawUnsafe<Endpoint[]>(ACTIVE_ENDPOINTS_SQL, projectId);
}

/** activeEndpoints through a node-postgres client (in a plain-SQL transaction: inTransaction) or pool. */
export async function activeEndpointsSql(client: Pick<pg.PoolClient, 'query'>, projectId: string): Promise<Endpoint[]> {
  return (await client.query<Endpoint>(ACTIVE_ENDPOINTS_SQL, [projectId])).rows;
}

/*
 * Endpoints and their delivery log as a resource, shared by the API and the dashboard. Every query is
 * scoped by project: another project's endpoint or delivery id finds nothing and changes nothing.
 * Functions given an endpoint row take one a scoped find answered.
 */

/** An endpoint's row; its secrets are sealed in it, and presenters never show them. */
export type WebhookEndpointRow = Prisma.WebhookEndpointGetPayload<object>;
export type WebhookDeliveryRow = Prisma.WebhookDeliveryGetPayload<object>;

/** After a rotation the previous secret still signs for this long, so receivers can switch without losing a delivery. */
export const WEBHOOK_SECRET_OVERLAP_MS = 24 * 3_600_000;

export interface WebhookEndpointSpec {
  url: string;
  events: string[];
  enabled: boolean;
  description: string | null;
}

/** The project's endpoint, or null. */
export function findWebhookEndpoint(db: Db, projectId: string, id: string): Promise<WebhookEndpointRow | null> {
  return db.webhookEndpoint.findFirst({ where: { id, projectId } });
}

/** The project's endpoints, oldest first. */
export function listWebhookEndpoints(db: Db, projectId: string): Promise<WebhookEndpointRow[]> {
  return db.webhookEndpoint.findMany({ where: { projectId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
}

/** A new endpoint with a fresh signing secret, stored sealed under the master key; the secret in the clear goes to the caller, once. */
export async function createWebhookEndpoint(
  db: Db,
  masterKey: Buffer,
  projectId: string,
  spec: WebhookEndpointSpec,
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  const secret = generateWebhookSecret();
  const endpoint = await db.webhookEndpoint.create({
    data: { id: newId('webhook'), projectId, ...spec, secretEncrypted: seal(secret, masterKey) },
  });
  return { endpoint, secret };
}

/**
 * Changes the fields given. Enabling an endpoint also clears what Herald's disabling set (its pending
 * deliveries then resume). Null when the project has no such endpoint.
 */
export async function updateWebhookEndpoint(
  db: Db,
  projectId: string,
  id: string,
  changes: Partial<WebhookEndpointSpec>,
): Promise<WebhookEndpointRow | null> {
  const data: Prisma.WebhookEndpointUpdateManyMutationInput = {
    ...(changes.url !== undefined ? { url: changes.url } : {}),
    ...(changes.events !== undefined ? { events: changes.events } : {}),
    ...(changes.description !== undefined ? { description: changes.description } : {}),
    ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
    ...(changes.enabled === true ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
  };
  const [updated] = await db.webhookEndpoint.updateManyAndReturn({ where: { id, projectId }, data });
  return updated ?? null;
}

/** Deletes the project's endpoint with its deliveries (pending ones are dropped); false when there was none. */
export async function deleteWebhookEndpoint(db: Db, projectId: string, id: string): Promise<boolean> {
  const deleted = await db.webhookEndpoint.deleteMany({ where: { id, projectId } });
  return deleted.count > 0;
}

/**
 * A new signing secret for the endpoint; the current one becomes the previous secret, which still signs
 * (a second signature) until `previousSecretExpiresAt`. Null when the endpoint is gone.
 */
export async function rotateWebhookSecret(
  db: Db,
  masterKey: Buffer,
  endpoint: Pick<WebhookEndpointRow, 'id' | 'projectId' | 'secretEncrypted'>,
  now = new Date(),
): Promise<{ secret: string; previousSecretExpiresAt: Date } | null> {
  const secret = generateWebhookSecret();
  const previousSecretExpiresAt = new Date(now.getTime() + WEBHOOK_SECRET_OVERLAP_MS);
  const rotated = await db.webhookEndpoint.updateMany({
    where: { id: endpoint.id, projectId: endpoint.projectId },
    data: { secretEncrypted: seal(secret, masterKey), previousSecretEncrypted: endpoint.secretEncrypted, previousSecretExpiresAt },
  });
  return rotated.count > 0 ? { secret, previousSecretExpiresAt } : null;
}

/** Queues a delivery of a test event to the endpoint, whatever its subscriptions, due now. */
export function queueTestDelivery(db: Db, endpoint: Pick<WebhookEndpointRow, 'id' | 'projectId'>, now = new Date()): Promise<WebhookDeliveryRow> {
  const eventId = newId('event', now.getTime());
  return db.webhookDelivery.create({
    data: {
      id: webhookDeliveryId(endpoint.id, eventId),
      endpointId: endpoint.id,
      projectId: endpoint.projectId,
      eventId,
      eventType: WEBHOOK_TEST_EVENT,
      payload: { type: WEBHOOK_TEST_EVENT, timestamp: now.toISOString(), data: { event_id: eventId, webhook_id: endpoint.id } },
      nextAttemptAt: now,
      createdAt: now,
    },
  });
}

/** The deliveries to the project's endpoint, newest first, one page at a time; only those of `status` when given. */
export async function listWebhookDeliveries(
  db: Db,
  projectId: string,
  endpointId: string,
  filters: { status?: WebhookDeliveryStatus | undefined },
  page: PageRequest,
): Promise<KeysetPage<WebhookDeliveryRow>> {
  const where: Prisma.WebhookDeliveryWhereInput = { endpointId, projectId };
  if (filters.status) where.status = filters.status;
  if (page.after) where.AND = [afterPosition(page.after)];
  const rows = await db.webhookDelivery.findMany({ where, orderBy: newestFirst(), take: rowsToFetch(page) });
  return keysetPage(rows, page.limit);
}

/** Makes one delivery to the project's endpoint pending and due now (sent again with its webhook-id); null when there is none. */
export async function retryWebhookDelivery(db: Db, projectId: string, endpointId: string, deliveryId: string, now = new Date()): Promise<WebhookDeliveryRow | null> {
  const [delivery] = await db.webhookDelivery.updateManyAndReturn({
    where: { id: deliveryId, endpointId, projectId },
    data: { status: 'pending', nextAttemptAt: now, completedAt: null },
  });
  return delivery ?? null;
}

/** Makes every delivery to the project's endpoint created in [since, until) pending and due now, whatever its status; answers how many. */
export async function replayWebhookDeliveries(
  db: Db,
  projectId: string,
  endpointId: string,
  range: { since: Date; until: Date },
  now = new Date(),
): Promise<number> {
  const replayed = await db.webhookDelivery.updateMany({
    where: { endpointId, projectId, createdAt: { gte: range.since, lt: range.until } },
    data: { status: 'pending', nextAttemptAt: now, completedAt: null },
  });
  return replayed.count;
}
