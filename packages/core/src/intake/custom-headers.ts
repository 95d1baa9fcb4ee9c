import { LINE_BREAK } from './message-rules.ts';
/**
 * Custom headers a sender may add. Headers that Herald writes itself, that identify the message or its
 * parties, or that describe its MIME structure are reserved: setting them would let a request forge an
 * identity, break the DKIM signature or reshape the message.
 */
export const RESERVED_HEADERS = new Set([
  'from', 'to', 'cc', 'bcc', 'reply-to', 'sender', 'subject', 'date', 'message-id', 'return-path',
  'dkim-signature', 'arc-seal', 'arc-message-signature', 'arc-authentication-results',
  'authentication-results', 'received', 'received-spf', 'mime-version', 'content-type',
  'content-transfer-encoding', 'content-disposition', 'content-id', 'delivered-to', 'x-original-to',
  'resent-from', 'resent-to', 'resent-cc', 'resent-bcc', 'resent-date', 'resent-sender', 'resent-message-id',
]);

export const MAX_CUSTOM_HEADERS = 50;

/** RFC 5322 field name: printable US-ASCII except colon. */
const FIELD_NAME = /^[!-9;-~]{1,76}$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/;

/** Why a custom header cannot be used, or null when it can. */
export function customHeaderProblem(name: string, value: string): { on: 'name' | 'value'; reason: string } | null {
  if (!FIELD_NAME.test(name)) return { on: 'name', reason: 'must be 1-76 printable ASCII characters without a colon or space' };
  const lower = name.toLowerCase();
  if (RESERVED_HEADERS.has(lower) || lower.startsWith('x-herald-')) {
    return { on: 'name', reason: `${name} is set by Herald or by a request field and cannot be a custom header` };
  }
  if (LINE_BREAK.test(value)) return { on: 'value', reason: 'must not contain line breaks' };
  if (CONTROL.test(value)) return { on: 'value', reason: 'must not contain control characters' };
  if (value.length > 998) return { on: 'value', reason: 'must be at most 998 characters' };
  return null;
}
