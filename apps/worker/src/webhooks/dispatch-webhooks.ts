import { ACTIVE_ENDPOINT_SQL, metrics, open, seconds, sendWebhook, sqlPool, type Db, type DnsResolver, type Log } from '@herald/core';
import { recordWebhookAttempt, type WebhookPolicy } from './record-webhook-attempt.ts';

export interface WebhookDeps {
  db: Db;
  resolver: DnsResolver;
  masterKey: Buffer;
  policy: WebhookPolicy;
  http: { timeoutMs: number; allowHttp: boolean; allowedHosts: string[]; ca?: string | undefined };
  /** Sends one request; unit tests may replace it. */
  send?: typeof sendWebhook;
  clock: () => Date;
  random?: () => number;
  log: Log;
}

/** A claimed delivery is not claimed again by another worker for this long (a crash mid-send retries after it). */
const LEASE_MS = 120_000;

/** $1 now, $2 the lease's end, $3 one project or null, $4 how many. */
const CLAIM_SQL = `UPDATE webhook_deliveries SET next_attempt_at = $2
  WHERE id IN (
    SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
    WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND ${ACTIVE_ENDPOINT_SQL('w')}
      AND ($3::text IS NULL OR d.project_id = $3)
    ORDER BY d.next_attempt_at
    LIMIT $4
    FOR UPDATE OF d SKIP LOCKED)
  RETURNING id`;

/**
 * The webhook outbox is a table: due deliveries are claimed with FOR UPDATE SKIP LOCKED, so any
 * number of workers share the work and none sends a delivery another is sending. A claimed delivery
 * is leased (its next attempt pushed out) until its attempt is recorded.
 */
export async function claimDue(db: Db, now: Date, limit: number, projectId: string | null = null): Promise<string[]> {
  const { rows } = await sqlPool(db).query<{ id: string }>(CLAIM_SQL, [now, new Date(now.getTime() + LEASE_MS), projectId, limit]);
  return rows.map((r) => r.id);
}

/** A claimed delivery with what sending it needs of its endpoint, in the order their events happened (an event's id sorts by its message's time, not its own). */
const CLAIMED_SQL = `SELECT d.id, d.event_id, d.payload, d.attempts,
    w.id AS endpoint_id, w.project_id, w.url, w.failing_since, w.secret_encrypted, w.previous_secret_encrypted, w.previous_secret_expires_at
  FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
  WHERE d.id = ANY($1::text[])
  ORDER BY d.created_at, d.id`;

interface ClaimedRow {
  id: string;
  event_id: string | null;
  payload: unknown;
  attempts: number;
  endpoint_id: string;
  project_id: string;
  url: string;
  failing_since: Date | null;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
}

/**
 * Claims up to `limit` due deliveries, sends them `concurrency` at a time, records each. `projectId`
 * narrows the claim to one project (tests sharing a database).
 */
export async function dispatchDue(deps: WebhookDeps, limit = 100, concurrency = 20, projectId: string | null = null): Promise<number> {
  const now = deps.clock();
  const ids = await claimDue(deps.db, now, limit, projectId);
  if (ids.length === 0) return 0;
  const { rows: deliveries } = await sqlPool(deps.db).query<ClaimedRow>(CLAIMED_SQL, [ids]);
  const queue = [...deliveries];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let delivery = queue.shift(); delivery; delivery = queue.shift()) await deliverOne(deps, delivery);
    }),
  );
  return deliveries.length;
}

async function deliverOne(deps: WebhookDeps, delivery: ClaimedRow): Promise<void> {
  const now = deps.clock();
  const endpoint = { id: delivery.endpoint_id, projectId: delivery.project_id, url: delivery.url, failingSince: delivery.failing_since };
  const secrets = [open(delivery.secret_encrypted, deps.masterKey)];
  if (delivery.previous_secret_encrypted && delivery.previous_secret_expires_at && delivery.previous_secret_expires_at > now) {
    secrets.push(open(delivery.previous_secret_encrypted, deps.masterKey));
  }
  const send = deps.send ?? sendWebhook;
  const attempt = await send(
    { url: endpoint.url, id: delivery.event_id ?? delivery.id, timestamp: Math.floor(now.getTime() / 1000), body: JSON.stringify(delivery.payload), secrets },
    { resolver: deps.resolver, ...deps.http },
  );
  metrics().webhookDuration.observe({ outcome: attempt.outcome }, seconds(attempt.durationMs));
  try {
    await recordWebhookAttempt(deps.db, { id: delivery.id, attempts: delivery.attempts, endpoint }, attempt, deps.policy, deps.clock(), deps.random);
  } catch (err) {
    deps.log.error({ err, deliveryId: delivery.id }, 'could not record a webhook attempt; it is retried when its lease ends');
  }
  if (attempt.outcome !== 'delivered') {
    deps.log.info({ deliveryId: delivery.id, url: endpoint.url, outcome: attempt.outcome, status: attempt.statusCode, error: attempt.error }, 'webhook attempt failed');
  }
}

/** Polls the outbox until stopped; keeps going at once while there is a backlog. */
export function startWebhookDispatcher(deps: WebhookDeps, options: { pollMs: number; concurrency: number }) {
  let running = true;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    while (running) {
      let handled = 0;
      try {
        handled = await dispatchDue(deps, 100, options.concurrency);
      } catch (err) {
        deps.log.error({ err }, 'webhook dispatch failed');
      }
      if (handled < 100 && running) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, options.pollMs).unref();
        });
      }
    }
  })();
  return {
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
