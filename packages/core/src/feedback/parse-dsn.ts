import { firstValue, readFieldGroups, type HeaderField } from './header-fields.ts';
import { readNotificationMessage, type NotificationMessage } from './mime-parts.ts';
import { findOriginalHeaders, type OriginalHeaders } from './original-message.ts';
import { readDate, readSmtpReply, readStatus, readTypedAddress, readTypedValue, stripComments, type TypedValue } from './report-values.ts';

/**
 * RFC 3464 delivery status notifications: a multipart/report (report-type=delivery-status, RFC 6522)
 * whose second part, message/delivery-status (or message/global-delivery-status, RFC 6533), holds
 * one group of per-message fields and one group per recipient, and whose optional third part
 * returns the original message or its headers.
 *
 * Read leniently where real MTAs differ from the RFC (the part found anywhere but inside an attached
 * message, a missing Reporting-MTA, recipient fields in the first group, a Status missing but given
 * by the Diagnostic-Code) and strictly where a guess would mislead: a recipient group without a
 * readable Final-Recipient, a known Action and a status code is left out, and said so in `problems`.
 */
export const DSN_ACTIONS = ['failed', 'delayed', 'delivered', 'relayed', 'expanded'] as const;
export type DsnAction = (typeof DSN_ACTIONS)[number];

export interface DsnRecipient {
  /** The address the report is about (Final-Recipient), as the reporting MTA wrote it. */
  finalRecipient: string;
  /** The address as Herald gave it (Original-Recipient, from the ORCPT parameter), when reported. */
  originalRecipient?: string;
  action: DsnAction;
  /** The RFC 3463 enhanced status code, e.g. "5.1.1". */
  status: string;
  diagnosticCode?: TypedValue;
  /** The reply code at the start of an smtp-type Diagnostic-Code. */
  smtpCode?: number;
  remoteMta?: TypedValue;
  lastAttemptDate?: Date;
  willRetryUntil?: Date;
}

export interface DsnReport {
  kind: 'dsn';
  reportingMta?: TypedValue;
  receivedFromMta?: TypedValue;
  arrivalDate?: Date;
  /** The ENVID Herald gave at MAIL FROM (RFC 3461), when the MTA supports DSN and returned it. */
  originalEnvelopeId?: string;
  recipients: DsnRecipient[];
  originalHeaders?: OriginalHeaders;
  /** Recipient groups left out and why; empty when every group was read. */
  problems: string[];
}

export type DsnResult = DsnReport | { kind: 'not-dsn'; reason: string };

export const DELIVERY_STATUS_TYPES = ['message/delivery-status', 'message/global-delivery-status'];
/** More recipient groups than this in one report are not read (an MTA reports at most one per RCPT of one transaction). */
const MAX_RECIPIENTS = 1000;

export async function parseDsn(raw: Buffer, options: { maxBytes?: number } = {}): Promise<DsnResult> {
  const read = await readNotificationMessage(raw, options);
  return read.ok ? dsnFromMessage(read.message) : { kind: 'not-dsn', reason: read.reason };
}

export function dsnFromMessage(message: NotificationMessage): DsnResult {
  const part = message.parts.find((p) => DELIVERY_STATUS_TYPES.includes(p.contentType));
  if (!part) {
    return { kind: 'not-dsn', reason: message.reportType === 'delivery-status' ? 'a delivery-status report without a message/delivery-status part' : 'no message/delivery-status part' };
  }
  const groups = readFieldGroups(part.content.toString('utf8'));
  const perMessage = groups[0] ?? [];
  // the first group is the per-message one; an MTA that put the first recipient's fields into it still gets that recipient read
  const recipientGroups = groups.slice(1);
  if (firstValue(perMessage, 'final-recipient') !== undefined) recipientGroups.unshift(perMessage);

  const problems: string[] = [];
  const recipients: DsnRecipient[] = [];
  for (const [index, group] of recipientGroups.entries()) {
    if (recipients.length >= MAX_RECIPIENTS) {
      problems.push(`more than ${MAX_RECIPIENTS} recipient groups: the rest were not read`);
      break;
    }
    const read = readRecipient(group);
    if (typeof read === 'string') problems.push(`recipient group ${index + 1}: ${read}`);
    else recipients.push(read);
  }
  if (recipients.length === 0) {
    return { kind: 'not-dsn', reason: `the delivery-status part has no readable recipient group${problems.length ? ` (${problems.join('; ')})` : ''}` };
  }
  const originalHeaders = findOriginalHeaders(message.parts);
  const reportingMta = readTypedValue(firstValue(perMessage, 'reporting-mta'));
  const receivedFromMta = readTypedValue(firstValue(perMessage, 'received-from-mta'));
  const arrivalDate = readDate(firstValue(perMessage, 'arrival-date'));
  const envelopeId = firstValue(perMessage, 'original-envelope-id');
  return {
    kind: 'dsn',
    ...(reportingMta ? { reportingMta } : {}),
    ...(receivedFromMta ? { receivedFromMta } : {}),
    ...(arrivalDate ? { arrivalDate } : {}),
    ...(envelopeId ? { originalEnvelopeId: envelopeId } : {}),
    recipients,
    ...(originalHeaders ? { originalHeaders } : {}),
    problems,
  };
}

/** One recipient group, or why it cannot be used. */
function readRecipient(group: readonly HeaderField[]): DsnRecipient | string {
  const finalRecipient = readTypedAddress(firstValue(group, 'final-recipient'));
  if (!finalRecipient) return 'no readable Final-Recipient';
  const actionText = stripComments(firstValue(group, 'action') ?? '').toLowerCase();
  const action = DSN_ACTIONS.find((a) => a === actionText);
  if (!action) return `unknown Action "${actionText}" for ${finalRecipient}`;
  const diagnosticCode = readTypedValue(firstValue(group, 'diagnostic-code'));
  const reply = diagnosticCode ? readSmtpReply(diagnosticCode.value) : {};
  const status = readStatus(firstValue(group, 'status')) ?? reply.status;
  if (!status) return `no readable Status for ${finalRecipient}`;
  const originalRecipient = readTypedAddress(firstValue(group, 'original-recipient'));
  const remoteMta = readTypedValue(firstValue(group, 'remote-mta'));
  const lastAttemptDate = readDate(firstValue(group, 'last-attempt-date'));
  const willRetryUntil = readDate(firstValue(group, 'will-retry-until'));
  return {
    finalRecipient,
    ...(originalRecipient ? { originalRecipient } : {}),
    action,
    status,
    ...(diagnosticCode ? { diagnosticCode } : {}),
    ...(diagnosticCode?.type === 'smtp' && reply.code ? { smtpCode: reply.code } : {}),
    ...(remoteMta ? { remoteMta } : {}),
    ...(lastAttemptDate ? { lastAttemptDate } : {}),
    ...(willRetryUntil ? { willRetryUntil } : {}),
  };
}
