import type pg from 'pg';
import { startHeraldStack, type HeraldStack, type HeraldStackOptions } from './herald-stack.ts';
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';
import { startPrivateRedis, type PrivateRedis } from './private-redis.ts';
import { deliveryEvidence, stackQuery, waitUntilFinal } from './delivery-checks.ts';

/** Settings that make recovery quick enough to watch: short locks, a sweeper every second. */
export const FAULT_ENV = {
  HERALD_JOB_LOCK_TIMEOUT: '5s',
  HERALD_SWEEP_INTERVAL: '1s',
  HERALD_SWEEP_GRACE: '3s',
  HERALD_RETRY_SCHEDULE: '1s,2s,3s',
  HERALD_WORKER_CONCURRENCY: 10,
  HERALD_SMTP_CONNECT_TIMEOUT_MS: 2_000,
  HERALD_SMTP_GREETING_TIMEOUT_MS: 5_000,
  HERALD_SMTP_COMMAND_TIMEOUT_MS: 5_000,
  HERALD_SMTP_DATA_TIMEOUT_MS: 10_000,
  HERALD_SHUTDOWN_TIMEOUT: '20s',
  HERALD_RATE_LIMIT_PER_KEY: 10_000,
  HERALD_RATE_LIMIT_PER_PROJECT: 10_000,
  // a killed worker's connection slots stay taken until their lease lapses (the job lock timeout):
  // a high limit keeps the kills from postponing other deliveries meanwhile
  HERALD_MAX_CONNECTIONS_PER_DESTINATION: 500,
};

export interface FaultStack extends HeraldStack {
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  /** A query on the stack's database (a fresh connection each time: it survives restarts). */
  query<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Sends `count` messages, `parallel` at a time; each answer's status and, for a 202, the id. */
  sendMany(count: number, options?: SendManyOptions): Promise<SendOutcome[]>;
  /** Waits until every message is final in Postgres, then reports what the MX and the events say. */
  settle(ids: string[], timeoutMs?: number): Promise<DeliveryReport>;
  teardown(): Promise<void>;
}

export interface SendManyOptions {
  parallel?: number;
  body?: (i: number) => Record<string, unknown>;
  /**
   * Behave as a careful client: send each message with an Idempotency-Key and, on a 503 or no answer,
   * try again after Retry-After (or a second) until it is accepted. The outcome is the last answer.
   */
  retry?: boolean;
}

export interface SendOutcome {
  status: number;
  id: string | null;
  retryAfter: string | null;
}

export interface DeliveryReport {
  /** Message status by id, from Postgres. */
  statuses: Map<string, string>;
  /** Ids answered 202 that are not in Postgres. */
  missing: string[];
  /** Recipients whose number of `delivered` events is not exactly one. */
  wrongDeliveredEvents: { recipient: string; count: number }[];
  /** Copies at the MX beyond the first, over all messages. */
  duplicates: number;
  /** Messages never seen at the MX. */
  neverReceived: string[];
}

/**
 * A Herald stack on a Postgres and a Redis of its own (they are stopped, restarted and flushed), with
 * the fault settings above, plus the bookkeeping every fault test asserts with.
 */
export async function startFaultStack(label: string, options: HeraldStackOptions = {}): Promise<FaultStack> {
  const postgres = await startPrivatePostgres();
  const redis = await startPrivateRedis();
  let stack: HeraldStack;
  try {
    stack = await startHeraldStack({
      label,
      databaseUrl: postgres.url('herald'),
      redisUrl: redis.url,
      ...options,
      env: { ...FAULT_ENV, ...options.env },
    });
  } catch (err) {
    await redis.destroy();
    postgres.destroy();
    throw err;
  }
  const query = stackQuery(stack);

  const sendOne = async (body: Record<string, unknown>, idempotencyKey?: string): Promise<SendOutcome> => {
    try {
      const response = await stack.send(body, idempotencyKey ? { headers: { 'idempotency-key': idempotencyKey } } : {});
      const json = (await response.json().catch(() => ({}))) as { id?: string };
      return { status: response.status, id: response.status === 202 ? (json.id ?? null) : null, retryAfter: response.headers.get('retry-after') };
    } catch {
      return { status: 0, id: null, retryAfter: null }; // the connection failed: no answer at all
    }
  };

  return {
    ...stack,
    postgres,
    redis,
    query,
    async sendMany(count, { parallel = 10, body, retry = false } = {}) {
      const outcomes: SendOutcome[] = new Array<SendOutcome>(count);
      const run = `${Date.now()}`;
      let next = 0;
      const lane = async () => {
        while (next < count) {
          const i = next++;
          const request = body?.(i) ?? { from: `fault@${stack.senderDomain}`, to: `r${i}@${stack.recipientDomain}`, subject: `fault ${label} ${i}`, text: `message ${i}` };
          let outcome = await sendOne(request, retry ? `${label}-${run}-${i}` : undefined);
          for (let tries = 1; retry && (outcome.status === 503 || outcome.status === 0) && tries < 60; tries++) {
            await new Promise((resolve) => setTimeout(resolve, Math.min(Number(outcome.retryAfter ?? 1) || 1, 2) * 1_000));
            outcome = await sendOne(request, `${label}-${run}-${i}`);
          }
          outcomes[i] = outcome;
        }
      };
      await Promise.all(Array.from({ length: parallel }, lane));
      return outcomes;
    },
    async settle(ids, timeoutMs = 120_000) {
      await waitUntilFinal(query, ids, timeoutMs);
      const messages = await query<{ id: string; status: string }>('SELECT id, status FROM messages WHERE id = ANY($1)', [ids]);
      const statuses = new Map(messages.map((m) => [m.id, m.status]));
      const { wrongDeliveredEvents, duplicates, neverReceived } = await deliveryEvidence(query, stack, ids);
      return { statuses, missing: ids.filter((id) => !statuses.has(id)), wrongDeliveredEvents, duplicates, neverReceived };
    },
    async teardown() {
      await stack.stop();
      await redis.destroy();
      postgres.destroy();
    },
  };
}

/** The ids of the 202 answers. */
export const acceptedIds = (outcomes: SendOutcome[]): string[] => outcomes.flatMap((o) => (o.status === 202 && o.id ? [o.id] : []));
