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
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const nextUlid = monotonicFactory();

export function newId(kind: IdKind, now: number = Date.now()): string {
  return `${ID_PREFIXES[kind]}_${nextUlid(now)}`;
}

export function hasIdShape(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`).test(value);
}
