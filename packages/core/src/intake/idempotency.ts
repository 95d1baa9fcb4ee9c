import { createHash } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { HeraldError } from '../errors/registry.ts';
import type { MessageStatus, RecipientStatus } from '../generated/prisma/enums.ts';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

/** What an earlier request with the same Idempotency-Key produced, as the API answers it. */
export interface AcceptedMessage {
  id: string;
  status: MessageStatus;
  recipients: { email: string; status: RecipientStatus }[];
}

/** SHA-256 of the request with object keys sorted, so that the same JSON in another key order matches. */
export function requestHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The stored key of each message of a request: the key itself for one message, `<key>#<index>` for
 * each message of a batch (so a batch is replayed whole).
 */
export function storedIdempotencyKeys(key: string, count: number, batch: boolean): string[] {
  return batch ? Array.from({ length: count }, (_, i) => `${key}#${i}`) : [key];
}

/**
 * The messages an earlier request with the same key created, when that request was the same: then the
 * caller answers with them and sends nothing. The same key with a different request is a 409. Null
 * when the key is new.
 */
export async function findIdempotentReplay(
  db: Pick<Db, 'message'>,
  projectId: string,
  keys: string[],
  hash: string,
): Promise<AcceptedMessage[] | null> {
  const found = await db.message.findMany({
    where: { projectId, idempotencyKey: { in: keys } },
    select: {
      id: true,
      status: true,
      idempotencyKey: true,
      idempotencyHash: true,
      recipients: { select: { email: true, status: true }, orderBy: { id: 'asc' } },
    },
  });
  if (found.length === 0) return null;
  if (found.length !== keys.length || found.some((m) => m.idempotencyHash !== hash)) {
    throw new HeraldError(
      'idempotency_conflict',
      'this Idempotency-Key was already used with a different request; use a new key for a new request',
      [{ field: 'headers.idempotency-key', message: 'was used with a different request' }],
    );
  }
  const byKey = new Map(found.map((m) => [m.idempotencyKey, m]));
  return keys.map((key) => {
    const m = byKey.get(key) as (typeof found)[number];
    return { id: m.id, status: m.status, recipients: m.recipients };
  });
}
