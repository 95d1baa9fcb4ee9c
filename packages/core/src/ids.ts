import { createHash, randomFillSync } from 'node:crypto';
import { encodeTime, monotonicFactory } from 'ulid';

/**
 * Public ids are a type prefix and a ULID: sortable by creation time, unguessable enough not to
 * enumerate, and never sequential integers (e.g. msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P).
 */
export const ID_PREFIXES = {
  project: 'prj',
  apiKey: 'key',
  domain: 'dom',
  dkimKey: 'dkim',
  message: 'msg',
  recipient: 'rcpt',
  event: 'evt',
  suppression: 'sup',
  webhook: 'wh',
  webhookDelivery: 'whd',
  deliveryBatch: 'batch',
  template: 'tpl',
  templateVersion: 'tplv',
  report: 'rpt',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

// ulid's own generator asks the system for one random octet per character (16 calls per id); these
// come from a pool of random octets refilled 4 KB at a time: as random, a fraction of the cost
const pool = Buffer.alloc(4096);
let used = pool.length;
function pooledRandom(): number {
  if (used >= pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return (pool[used++] as number) / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

/** The characters of a ULID that say its millisecond. */
const TIME_CHARS = 10;
let latest = 0;

/**
 * An id minted at `now`. Ids of one instant increase; an id minted at an earlier time than the last
 * (a clock set back, a row written for the past) still carries its own time, which decides the
 * partition it goes to (packages/core/src/partitions), where the monotonic generator alone would give
 * it the latest time it has seen.
 */
export function newId(kind: IdKind, now: number = Date.now()): string {
  const ulid = nextUlid(now);
  if (now >= latest) latest = now;
  else return `${ID_PREFIXES[kind]}_${encodeTime(now, TIME_CHARS)}${ulid.slice(TIME_CHARS)}`;
  return `${ID_PREFIXES[kind]}_${ulid}`;
}

export function hasIdShape(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`).test(value);
}

/*
 * Ids in the time of another. Herald's large tables are partitioned by ranges of id, which are ranges
 * of time (a ULID's first 10 characters are its millisecond); what belongs to a message must fall in
 * the message's partition, so it is dropped with it and read from it. A recipient, and every event of a
 * message, carry the message id's time part; a webhook delivery carries its event's. Such an id no
 * longer says when its own row was written: lists order by (created_at, id), never by id alone.
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const SUFFIX_CHARS = 16;
const ANY_ID = /^[a-z]+_([0-9A-HJKMNP-TV-Z]{10})[0-9A-HJKMNP-TV-Z]{16}$/;

/** The 10 characters of an id that say its time (a ULID's millisecond), after its prefix. */
export function timePartOf(id: string): string {
  const match = ANY_ID.exec(id);
  if (!match) throw new Error(`not a Herald id: ${id}`);
  return match[1] as string;
}

/** 16 Crockford base32 characters (80 bits) of the SHA-256 of `source`: the same source, the same characters. */
function derivedSuffix(source: string): string {
  const digest = createHash('sha256').update(source).digest();
  let suffix = '';
  for (let i = 0; i < SUFFIX_CHARS; i++) {
    // the i-th 5-bit group of the digest's first 10 bytes, read big-endian
    const bit = i * 5;
    const pair = ((digest[bit >> 3] as number) << 8) | (digest[(bit >> 3) + 1] as number);
    suffix += CROCKFORD[(pair >> (11 - (bit & 7))) & 31];
  }
  return suffix;
}

/**
 * An id of `kind` with `parentId`'s time part. Its other 16 characters come from `suffixSource` when
 * given (a deterministic id: the same write run twice mints the same id, so a re-run's row conflicts
 * on the primary key and is skipped — a unique index on a partitioned table must include the
 * partition key, so the primary key is what dedupes), else they are random, increasing across the
 * ids minted with the same `now` (the recipients of one message keep the order they were given in).
 */
export function idInTimeOf(kind: IdKind, parentId: string, suffixSource?: string | null, now: number = Date.now()): string {
  const suffix = suffixSource != null ? derivedSuffix(suffixSource) : nextUlid(now).slice(TIME_CHARS);
  return `${ID_PREFIXES[kind]}_${timePartOf(parentId)}${suffix}`;
}

/**
 * An event's id: in its message's time (deterministic when it has a dedupe key, so the key holds
 * through the primary key); an event of no message (a domain's, a disabled endpoint's) in its own time.
 */
export function eventId(event: { messageId: string | null; dedupeKey: string | null }, now: number = Date.now()): string {
  return event.messageId ? idInTimeOf('event', event.messageId, event.dedupeKey, now) : newId('event', now);
}

/** A webhook delivery's id: its event's time part and a suffix of (endpoint, event), so one event goes to one endpoint once. */
export function webhookDeliveryId(endpointId: string, eventId: string): string {
  return idInTimeOf('webhookDelivery', eventId, `${endpointId}:${eventId}`);
}
