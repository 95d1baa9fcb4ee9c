import { createHash } from 'node:crypto';
import type { MailMessage, SentMessageInfo, Transport } from 'nodemailer';
import { HeraldApiError } from './errors.ts';
import { createHeraldClient, type HeraldClientOptions } from './index.ts';
import type { components } from './schema.d.ts';

/** What the transport answers a send with: nodemailer's usual fields, and Herald's answer. */
export interface HeraldSentMessageInfo extends SentMessageInfo {
  /** Herald's message id (msg_…), for GET /v1/messages/{id}; the Message-ID header is `messageIdHeader`. */
  messageId: string;
  /** The message's Message-ID header, as nodemailer made it (or as given): it is kept, and is the idempotency key. */
  messageIdHeader: string;
  /** Recipients Herald queued (or scheduled). */
  accepted: string[];
  /** Recipients Herald will not send to (on the suppression list). */
  rejected: string[];
  pending: string[];
  response: string;
  herald: components['schemas']['AcceptedMessage'];
}

const VERSION = '0.1.0';
const KEY = /^[\x21-\x7e]{1,256}$/;

/**
 * A nodemailer transport that hands each message to Herald's HTTP API:
 * `nodemailer.createTransport(heraldTransport({ url, apiKey }))`. nodemailer composes the MIME as it
 * always does; the transport posts it whole with its envelope to POST /v1/messages/raw, where it is
 * read by the same rules as a message submitted over SMTP. The Message-ID is the Idempotency-Key, so
 * the client's own retries and a sendMail repeated with the same `messageId` store one message.
 * Herald's refusals come back as HeraldApiError (code, message, details naming the field).
 */
export function heraldTransport(options: HeraldClientOptions): Transport<HeraldSentMessageInfo> {
  const herald = createHeraldClient(options);
  return {
    name: 'Herald',
    version: VERSION,
    send(mail: MailMessage<HeraldSentMessageInfo>, callback: (err: Error | null, info: HeraldSentMessageInfo) => void) {
      const envelope = mail.message.getEnvelope();
      const messageIdHeader = mail.message.messageId();
      mail.message.build((err, raw) => {
        if (err) return callback(err, undefined as never);
        submitRaw(herald, raw, envelope.to, messageIdHeader).then(
          (herald) => callback(null, { envelope, messageId: herald.id, messageIdHeader, ...outcome(herald), herald }),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), undefined as never),
        );
      });
    },
  };
}

async function submitRaw(herald: ReturnType<typeof createHeraldClient>, raw: Buffer, recipients: string[], messageIdHeader: string) {
  const { data, error, response } = await herald.POST('/v1/messages/raw', {
    body: { raw: raw.toString('base64'), recipients },
    headers: { 'idempotency-key': idempotencyKey(messageIdHeader) },
  });
  if (error !== undefined || !data) throw new HeraldApiError(response.status, error);
  return data;
}

/** The Message-ID as an Idempotency-Key (printable ASCII, at most 256 characters), else its SHA-256. */
export function idempotencyKey(messageIdHeader: string): string {
  return KEY.test(messageIdHeader) ? messageIdHeader : `message-id-sha256:${createHash('sha256').update(messageIdHeader).digest('hex')}`;
}

function outcome(message: components['schemas']['AcceptedMessage']) {
  const rejected = message.recipients.filter((r) => r.status === 'suppressed').map((r) => r.email);
  const accepted = message.recipients.filter((r) => r.status !== 'suppressed').map((r) => r.email);
  return { accepted, rejected, pending: [], response: `202 Accepted: ${message.id} ${message.status}` };
}
