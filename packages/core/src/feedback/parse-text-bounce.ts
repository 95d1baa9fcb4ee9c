import { allValues, firstValue, MAX_VALUE, type HeaderField } from './header-fields.ts';
import { decodedValue } from './mime-parts.ts';
import { addressesOf } from './original-message.ts';
import { readAddress, readSmtpReply } from './report-values.ts';
import { BOUNCE_SENDERS, BOUNCE_SUBJECTS, DELAYED, FAILED, FORMATS, NOT_RECIPIENTS, ORIGINAL_MESSAGE_MARKERS, RECIPIENT_LINES } from './text-bounce-patterns.ts';

/**
 * Bounces that are not RFC 3464 reports: text written for people by qmail, older Exim, Exchange,
 * Gmail and others. The failed recipients are the addresses the notice itself names on the lines
 * where these MTAs name them (text-bounce-patterns.ts) or in an X-Failed-Recipients header; the
 * returned copy of the original message is cut off first, and nothing is ever inferred: a notice
 * that names no recipient is "not understood", with the reason. The reply code, enhanced status code
 * and diagnostic of each recipient are read from the lines that follow its address.
 */
export interface TextBounceRecipient {
  address: string;
  smtpCode?: number;
  status?: string;
  /** The lines after the address, joined (at most MAX_VALUE characters). */
  diagnostic?: string;
}

export interface TextBounce {
  kind: 'text-bounce';
  /** The MTA whose wording was recognised, or "generic". */
  format: string;
  /** failed: said to be permanent (or a 5xx); delayed: a warning, delivery still tried; unknown: neither said. */
  action: 'failed' | 'delayed' | 'unknown';
  recipients: TextBounceRecipient[];
}

export type TextBounceResult = TextBounce | { kind: 'not-understood'; reason: string; bounceLike: boolean };

/** A notice is read up to this many characters: the words of a bounce come first, and the regular expressions stay cheap. */
const MAX_NOTICE = 64 * 1024;
/** How many lines after an address belong to it, at most. */
const BLOCK_LINES = 6;

/** Whether the headers say "bounce": a bounce sender, a bounce subject, or the headers bounces carry. */
export function looksLikeBounce(headers: readonly HeaderField[]): boolean {
  const from = addressesOf(allValues(headers, 'from'))[0] ?? '';
  const subject = decodedValue(firstValue(headers, 'subject')) ?? '';
  return (
    BOUNCE_SENDERS.test(from) ||
    BOUNCE_SUBJECTS.test(subject) ||
    firstValue(headers, 'x-failed-recipients') !== undefined ||
    firstValue(headers, 'x-ms-exchange-message-is-ndr') !== undefined
  );
}

export function readTextBounce(headers: readonly HeaderField[], text: string): TextBounceResult {
  const notice = cutOriginalMessage(text.slice(0, MAX_NOTICE));
  const format = (FORMATS.find((f) => f.name !== 'generic' && f.marker.test(notice)) ?? { name: 'generic' }).name;
  const bounceLike = looksLikeBounce(headers);
  if (format === 'generic' && !bounceLike) return { kind: 'not-understood', reason: 'neither its headers nor its text say it is a delivery failure notice', bounceLike };

  const own = new Set([...addressesOf(allValues(headers, 'from')), ...addressesOf(allValues(headers, 'to'))].map((a) => a.toLowerCase()));
  const named = new Map<string, { address: string; at: number[] }>();
  const note = (address: string | undefined, at: number) => {
    if (!address || NOT_RECIPIENTS.test(address) || own.has(address.toLowerCase())) return;
    const key = address.toLowerCase();
    const entry = named.get(key) ?? { address, at: [] };
    if (at >= 0) entry.at.push(at);
    named.set(key, entry);
  };
  for (const header of allValues(headers, 'x-failed-recipients')) for (const a of header.split(',')) note(readAddress(a), -1);
  for (const pattern of RECIPIENT_LINES) for (const match of notice.matchAll(pattern)) note(readAddress(match[1]), match.index);
  if (named.size === 0) return { kind: 'not-understood', reason: `a ${format} delivery notice that names no recipient address`, bounceLike: true };

  const recipients = [...named.values()].map(({ address, at }) => recipientDetails(notice, address, at));
  const permanent = FAILED.test(notice) || recipients.some((r) => r.smtpCode !== undefined && r.smtpCode >= 500);
  const action = DELAYED.test(notice) && !recipients.some((r) => r.smtpCode !== undefined && r.smtpCode >= 500) ? 'delayed' : permanent ? 'failed' : 'unknown';
  return { kind: 'text-bounce', format, action, recipients };
}

/** The notice without the copy of the original message that many MTAs append. */
export function cutOriginalMessage(text: string): string {
  let end = text.length;
  for (const marker of ORIGINAL_MESSAGE_MARKERS) {
    const found = marker.exec(text);
    if (found && found.index < end) end = found.index;
  }
  return text.slice(0, end);
}

/** The codes and diagnostic from the lines after each place the address is named (the first place with a code wins). */
function recipientDetails(notice: string, address: string, positions: readonly number[]): TextBounceRecipient {
  let fallback: string | undefined;
  for (const at of positions) {
    const block = blockAfter(notice, at);
    const reply = readSmtpReply(block);
    if (reply.code !== undefined || reply.status !== undefined) {
      return { address, ...(reply.code !== undefined ? { smtpCode: reply.code } : {}), ...(reply.status ? { status: reply.status } : {}), ...(block ? { diagnostic: block } : {}) };
    }
    fallback ??= block || undefined;
  }
  return { address, ...(fallback ? { diagnostic: fallback } : {}) };
}

/** The rest of the address's line and the lines under it, up to a blank line or BLOCK_LINES lines. */
function blockAfter(notice: string, at: number): string {
  const lines = notice.slice(at).split(/\r?\n/);
  const block: string[] = [];
  for (const [index, line] of lines.entries()) {
    if (index > 0 && (line.trim() === '' || index > BLOCK_LINES)) break;
    block.push(index === 0 ? line.replace(/^\s*<?[^\s<>]+@[^\s<>]+>?:?/, '') : line);
  }
  const joined = block.join(' ').replace(/\s+/g, ' ').trim();
  return joined.length > MAX_VALUE ? `${joined.slice(0, MAX_VALUE)}…` : joined;
}
