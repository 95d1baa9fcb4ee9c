import { allValues, firstValue, readFieldGroups } from './header-fields.ts';
import { readNotificationMessage, type NotificationMessage } from './mime-parts.ts';
import { findOriginalHeaders, type OriginalHeaders } from './original-message.ts';
import { readAddress, readDate, readTypedValue, stripComments, type TypedValue } from './report-values.ts';

/**
 * RFC 5965 abuse reports (ARF), as feedback loops send them: a multipart/report with
 * report-type=feedback-report whose second part, message/feedback-report, holds the report's fields,
 * and whose third part returns the message complained about (message/rfc822 or
 * text/rfc822-headers). Feedback loops often redact the complaining recipient (To, Original-Rcpt-To);
 * the message is then found by its signed return path (Original-Mail-From or the returned
 * Return-Path), else by its Message-ID or X-Herald-* headers.
 */
export const FEEDBACK_TYPES = ['abuse', 'fraud', 'virus', 'other', 'not-spam', 'auth-failure'] as const;

export interface ComplaintReport {
  kind: 'complaint';
  /** Lower-case; one of FEEDBACK_TYPES, or what the report said (RFC 5965 §7.3 lets the registry grow). */
  feedbackType: string;
  userAgent?: string;
  version?: string;
  originalMailFrom?: string;
  originalRcptTo: string[];
  arrivalDate?: Date;
  reportingMta?: TypedValue;
  sourceIp?: string;
  reportedDomains: string[];
  reportedUris: string[];
  incidents?: number;
  authenticationResults?: string;
  originalEnvelopeId?: string;
  /** Absent when the report did not return the message (RFC 5965 makes it optional). */
  originalHeaders?: OriginalHeaders;
  problems: string[];
}

export type ArfResult = ComplaintReport | { kind: 'not-arf'; reason: string };

export async function parseArf(raw: Buffer, options: { maxBytes?: number } = {}): Promise<ArfResult> {
  const read = await readNotificationMessage(raw, options);
  return read.ok ? arfFromMessage(read.message) : { kind: 'not-arf', reason: read.reason };
}

export function arfFromMessage(message: NotificationMessage): ArfResult {
  const part = message.parts.find((p) => p.contentType === 'message/feedback-report');
  if (!part) return { kind: 'not-arf', reason: 'no message/feedback-report part' };
  // RFC 5965 puts every field in one group; a blank line inside it is tolerated by reading all groups as one
  const fields = readFieldGroups(part.content.toString('utf8')).flat();
  const feedbackType = stripComments(firstValue(fields, 'feedback-type') ?? '').toLowerCase();
  if (!feedbackType) return { kind: 'not-arf', reason: 'the feedback report has no Feedback-Type' };

  const problems: string[] = [];
  const userAgent = firstValue(fields, 'user-agent');
  const version = firstValue(fields, 'version');
  if (!userAgent) problems.push('no User-Agent (required by RFC 5965)');
  if (!version) problems.push('no Version (required by RFC 5965)');
  const originalHeaders = findOriginalHeaders(message.parts);
  if (!originalHeaders) problems.push('the report does not return the original message or its headers');
  const originalMailFrom = readAddress(firstValue(fields, 'original-mail-from'));
  const arrivalDate = readDate(firstValue(fields, 'arrival-date') ?? firstValue(fields, 'received-date'));
  const reportingMta = readTypedValue(firstValue(fields, 'reporting-mta'));
  const sourceIp = firstValue(fields, 'source-ip');
  const incidents = Number(firstValue(fields, 'incidents'));
  const authenticationResults = firstValue(fields, 'authentication-results');
  const envelopeId = firstValue(fields, 'original-envelope-id');
  return {
    kind: 'complaint',
    feedbackType,
    ...(userAgent ? { userAgent } : {}),
    ...(version ? { version } : {}),
    ...(originalMailFrom ? { originalMailFrom } : {}),
    originalRcptTo: allValues(fields, 'original-rcpt-to').flatMap((v) => readAddress(v) ?? []),
    ...(arrivalDate ? { arrivalDate } : {}),
    ...(reportingMta ? { reportingMta } : {}),
    ...(sourceIp ? { sourceIp } : {}),
    reportedDomains: allValues(fields, 'reported-domain').map((d) => d.toLowerCase()),
    reportedUris: allValues(fields, 'reported-uri'),
    ...(Number.isSafeInteger(incidents) && incidents > 0 ? { incidents } : {}),
    ...(authenticationResults ? { authenticationResults } : {}),
    ...(envelopeId ? { originalEnvelopeId: envelopeId } : {}),
    ...(originalHeaders ? { originalHeaders } : {}),
    problems,
  };
}
