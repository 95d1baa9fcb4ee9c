import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

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

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${nextUlid(now)}`;
}

export function hasIdShape(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`).test(value);
}
