import { detectAutoReply } from './detect-auto-reply.ts';
import { firstValue } from './header-fields.ts';
import { decodedValue, readNotificationMessage, type NotificationMessage } from './mime-parts.ts';
import { addressesOf, findOriginalHeaders, type OriginalHeaders } from './original-message.ts';
import { arfFromMessage, type ComplaintReport } from './parse-arf.ts';
import { dsnFromMessage, type DsnReport } from './parse-dsn.ts';
import { looksLikeBounce, readTextBounce, type TextBounce } from './parse-text-bounce.ts';

/**
 * The one entry point for mail that arrives at Herald's inbound MX: what kind of feedback it is, as
 * a value. The order matters, because bounces and reports are automatic mail too:
 *
 *   1. DSN (RFC 3464): a message/delivery-status part;
 *   2. complaint (RFC 5965): a message/feedback-report part;
 *   3. auto-reply (RFC 3834 and the usual headers/subjects), unless the headers say "bounce"
 *      (Postfix and Exim mark their bounces Auto-Submitted: auto-replied);
 *   4. text bounce: a delivery failure notice in words;
 *   5. unrecognized, with the reason and whether it looked like a bounce (Herald records
 *      "unrecognized_bounce" for mail at a return path that it could not read).
 *
 * Never throws for anything a sender can put in a message.
 */
export interface NotificationSummary {
  subject?: string;
  from?: string;
  messageId?: string;
}

export type Notification = (
  | DsnReport
  | ComplaintReport
  | { kind: 'auto-reply'; evidence: string; originalHeaders?: OriginalHeaders }
  | TextBounce
  | { kind: 'unrecognized'; reason: string; bounceLike: boolean }
) & { notification: NotificationSummary };

export async function classifyNotification(raw: Buffer, options: { maxBytes?: number } = {}): Promise<Notification> {
  const read = await readNotificationMessage(raw, options);
  if (!read.ok) return { kind: 'unrecognized', reason: read.reason, bounceLike: false, notification: {} };
  return classifyMessage(read.message);
}

export function classifyMessage(message: NotificationMessage): Notification {
  const notification = summaryOf(message);
  const dsn = dsnFromMessage(message);
  if (dsn.kind === 'dsn') return { ...dsn, notification };
  const arf = arfFromMessage(message);
  if (arf.kind === 'complaint') return { ...arf, notification };
  const bounceLike = looksLikeBounce(message.headers);
  const auto = detectAutoReply(message.headers);
  if (auto.autoReply && !bounceLike) {
    const originalHeaders = findOriginalHeaders(message.parts);
    return { kind: 'auto-reply', evidence: auto.evidence, ...(originalHeaders ? { originalHeaders } : {}), notification };
  }
  const text = readTextBounce(message.headers, message.text);
  if (text.kind === 'text-bounce') return { ...text, notification };
  // a report part that could not be read is the better reason to give than "no recipient in the text"
  const reason = message.parts.some((p) => p.contentType.endsWith('delivery-status')) ? dsn.reason : text.reason;
  return { kind: 'unrecognized', reason, bounceLike: text.bounceLike, notification };
}

function summaryOf(message: NotificationMessage): NotificationSummary {
  const subject = decodedValue(firstValue(message.headers, 'subject'));
  const from = addressesOf(message.headers.filter((h) => h.name === 'from').map((h) => h.value))[0];
  const messageId = firstValue(message.headers, 'message-id')?.replace(/^.*<([^<>]+)>.*$/, '$1');
  return { ...(subject ? { subject } : {}), ...(from ? { from } : {}), ...(messageId ? { messageId } : {}) };
}
