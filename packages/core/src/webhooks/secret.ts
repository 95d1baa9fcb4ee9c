import { createHmac, randomBytes } from 'node:crypto';

/**
 * Webhook signing per the Standard Webhooks specification: a secret is `whsec_` followed by the
 * base64 of its bytes, and each delivery carries `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * "<webhook-id>.<webhook-timestamp>.<body>". During a secret rotation the header carries one
 * signature per valid secret, space-separated, and a receiver accepts any one that matches.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** 24 random bytes (192 bits), as the specification recommends (between 24 and 64 bytes). */
const SECRET_BYTES = 24;

export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

export interface SignPayloadInput {
  /** The webhook-id header: the event's id, the same on every retry. */
  id: string;
  /** The webhook-timestamp header: whole seconds since the Unix epoch. */
  timestamp: number;
  /** The exact bytes sent as the request body. */
  body: string;
  /** One secret, or the new and the old one during a rotation. */
  secrets: readonly string[];
}

/** The webhook-signature header value: `v1,<signature>` per secret, space-separated. */
export function signPayload(input: SignPayloadInput): string {
  if (input.secrets.length === 0) throw new Error('signing a webhook needs at least one secret');
  const signed = `${input.id}.${formatWebhookTimestamp(input.timestamp)}.${input.body}`;
  return input.secrets
    .map((secret) => `v1,${createHmac('sha256', secretBytes(secret)).update(signed, 'utf8').digest('base64')}`)
    .join(' ');
}

/** The webhook-timestamp header as signed: an integer number of seconds. */
export function formatWebhookTimestamp(timestamp: number): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new Error(`a webhook timestamp is a whole number of seconds, not ${timestamp}`);
  }
  return String(timestamp);
}

/** The key bytes: the base64 after `whsec_` (a secret without the prefix is taken as bare base64). */
function secretBytes(secret: string): Buffer {
  const encoded = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new Error('a webhook secret is whsec_ followed by base64');
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length === 0) throw new Error('a webhook secret cannot be empty');
  return bytes;
}
