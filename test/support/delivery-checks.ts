import pg from 'pg';
import type { HeraldStack } from './herald-stack.ts';
import { waitFor } from './wait-for.ts';

/** One POST /v1/messages answer: its status, the id of a 202, and Retry-After. */
export interface Outcome {
  status: number;
  id: string | null;
  retryAfter: string | null;
}

/** The ids of the 202 answers. */
export const accepted = (outcomes: Outcome[]): string[] => outcomes.flatMap((o) => (o.status === 202 && o.id ? [o.id] : []));

/**
 * Sending to a stack as a client does, and checking in its Postgres and at its MX that every accepted
 * message was delivered once (the Redis deployment tests: cluster, sentinel).
 */
export function deliveryChecks(stack: HeraldStack) {
  const query = stackQuery(stack);

  const sendOne = async (i: number, run: string, idempotent: boolean): Promise<Outcome> => {
    const body = { from: `redis@${stack.senderDomain}`, to: `r${run}-${i}@${stack.recipientDomain}`, subject: `redis ${run} ${i}`, text: `message ${i}` };
    try {
      const response = await stack.send(body, idempotent ? { headers: { 'idempotency-key': `redis-${run}-${i}` } } : {});
      const json = (await response.json().catch(() => ({}))) as { id?: string };
      return { status: response.status, id: response.status === 202 ? (json.id ?? null) : null, retryAfter: response.headers.get('retry-after') };
    } catch {
      return { status: 0, id: null, retryAfter: null };
    }
  };

  /** Sends `count` messages `parallel` at a time as a careful client: a 429, 503 or no answer is tried again (same Idempotency-Key). */
  const sendPaced = async (count: number, run: string, parallel = 8): Promise<Outcome[]> => {
    const outcomes = new Array<Outcome>(count);
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const i = next++;
        let outcome = await sendOne(i, run, true);
        for (let tries = 1; [0, 429, 503].includes(outcome.status) && tries < 100; tries++) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(Number(outcome.retryAfter ?? 1) || 1, 2) * 500));
          outcome = await sendOne(i, run, true);
        }
        outcomes[i] = outcome;
      }
    };
    await Promise.all(Array.from({ length: parallel }, lane));
    return outcomes;
  };

  /** Waits until no recipient of `ids` is queued or deferred; then what Postgres and the MX say. */
  const settle = async (ids: string[], timeoutMs = 60_000) => {
    await waitUntilFinal(query, ids, timeoutMs);
    const statuses = await query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM recipients WHERE message_id = ANY($1) GROUP BY status', [ids]);
    return { statuses: Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)])), ...(await deliveryEvidence(query, stack, ids)) };
  };

  return { query, sendOne, sendPaced, settle };
}

export type StackQuery = <T extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<T[]>;

/** A query on the stack's database, on a fresh connection each time (it survives restarts). */
export function stackQuery(stack: Pick<HeraldStack, 'databaseUrl'>): StackQuery {
  return async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> => {
    const client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
}

/** Waits until no recipient of `ids` is queued or deferred. */
export async function waitUntilFinal(query: StackQuery, ids: string[], timeoutMs: number): Promise<void> {
  await waitFor(
    `${ids.length} messages to be final`,
    async () => {
      const rows = await query<{ n: string }>("SELECT count(*) AS n FROM recipients WHERE message_id = ANY($1) AND status IN ('queued', 'deferred')", [ids]);
      return Number(rows[0]?.n) === 0;
    },
    timeoutMs,
    500,
  );
}

/** Delivered exactly once: each recipient's count of delivered events (those not one), and the copies of each message at the MX. */
export async function deliveryEvidence(query: StackQuery, stack: Pick<HeraldStack, 'receivedCopies'>, ids: string[]) {
  const events = await query<{ recipient: string; count: string }>(
    `SELECT r.id AS recipient, count(e.id) AS count FROM recipients r
     LEFT JOIN events e ON e.recipient_id = r.id AND e.type = 'delivered'
     WHERE r.message_id = ANY($1) GROUP BY r.id`,
    [ids],
  );
  const copies = ids.map((id) => stack.receivedCopies(id).length);
  return {
    recipients: events.length,
    wrongDeliveredEvents: events.filter((e) => Number(e.count) !== 1).map((e) => ({ recipient: e.recipient, count: Number(e.count) })),
    duplicates: copies.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    neverReceived: ids.filter((_, i) => copies[i] === 0),
  };
}
