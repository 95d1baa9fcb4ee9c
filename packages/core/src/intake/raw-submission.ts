import libmime from 'libmime';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { HeraldError, type ErrorDetail } from '../errors/registry.ts';
import { newId } from '../ids.ts';
import { normalizeCrlf } from '../mime/normalize-crlf.ts';
import { domainOf, normalizeEmail, parseMailbox, type Mailbox } from './address.ts';
import { decodedTextProblem, storedHeaderTextProblems, utf8Text } from './header-text.ts';
import type { MessageDraft } from './commit-messages.ts';
import { metadataProblems, tagProblems } from './message-rules.ts';
import { readTemplateHeaders, templatedRequest } from './raw-template.ts';
import type { SendRequest } from './send-request.ts';
import { hasOwnListUnsubscribe, readUnsubscribeFlag, unsubscribeProblems } from './unsubscribe-choice.ts';

/** A message as an SMTP client hands it over: the envelope and the bytes after DATA. */
export interface RawSubmission {
  raw: Buffer;
  recipients: string[];
}

interface HeaderField {
  /** Lower-case name. */
  name: string;
  /** The whole field, folded lines included, without its final CRLF. */
  text: string;
}

/** Where a rule about tags or metadata points in a submitted message: the X-Herald header that carried it. */
function headerField(field: string): string {
  if (field.startsWith('tags')) return 'header.x-herald-tags';
  if (field.startsWith('metadata.')) return `header.x-herald-metadata-${field.slice('metadata.'.length).toLowerCase()}`;
  return 'header.x-herald-metadata';
}

/**
 * Turns a submitted message into a draft: line endings normalised to CRLF (a bare CR or LF can never
 * end a line differently downstream); X-Herald-Tags, X-Herald-Metadata-<key> and
 * X-Herald-Idempotency-Key and X-Herald-Unsubscribe (true or false) read and removed, as are Bcc and Return-Path; the From header parsed (the
 * project's domain checks apply to it, as to MAIL FROM); its Message-ID kept, or one added on the
 * sending domain (and a Date when missing). Each envelope recipient is to, cc or bcc as the headers say.
 * With X-Herald-Template, `templated` is the fields request the message becomes instead (raw-template.ts).
 */
export function prepareRawSubmission(
  submission: RawSubmission,
  now: Date,
): { draft: MessageDraft; idempotencyKey: string | null; templated: SendRequest | null; ownMessageId: boolean } {
  const raw = normalizeCrlf(submission.raw);
  const split = raw.indexOf('\r\n\r\n', 0, 'latin1');
  const headerText = raw.subarray(0, split >= 0 ? split : raw.length).toString('latin1');
  const body = split >= 0 ? raw.subarray(split + 2) : Buffer.from('\r\n');
  const fields = parseFields(headerText);
  // NUL or non-UTF-8 bytes in what is stored as text: refused before anything is read from them
  const unreadable = storedHeaderTextProblems(fields);
  if (unreadable.length > 0) throw invalid(unreadable);
  const problems: ErrorDetail[] = [];
  const value = (name: string) => fields.filter((f) => f.name === name).map((f) => unfold(f.text.slice(f.text.indexOf(':') + 1)));

  const tags = value('x-herald-tags').flatMap((v) => v.split(/[\s,]+/).filter(Boolean));
  const metadata: Record<string, string> = {};
  for (const f of fields.filter((f) => f.name.startsWith('x-herald-metadata-'))) {
    const key = f.text.slice('x-herald-metadata-'.length, f.text.indexOf(':')).trim();
    metadata[key] = utf8Text(unfold(f.text.slice(f.text.indexOf(':') + 1)));
  }
  // the same rules as the API's tags and metadata, each problem named by the header that carried it
  for (const problem of [...tagProblems(tags), ...metadataProblems(metadata)]) {
    const field = headerField(problem.field);
    if (!problems.some((p) => p.field === field)) problems.push({ field, message: problem.message });
  }
  const idempotencyKey = value('x-herald-idempotency-key')[0] ?? null;
  if (idempotencyKey !== null && !/^[\x21-\x7e]{1,256}$/.test(idempotencyKey)) {
    problems.push({ field: 'header.x-herald-idempotency-key', message: 'must be 1-256 printable ASCII characters' });
  }
  const unsubscribeValues = value('x-herald-unsubscribe');
  const unsubscribe = unsubscribeValues.length === 1 ? readUnsubscribeFlag(unsubscribeValues[0] as string) : undefined;
  const ownListUnsubscribe = hasOwnListUnsubscribe(fields.map((f) => f.name));
  if (unsubscribeValues.length > 1) problems.push({ field: 'header.x-herald-unsubscribe', message: 'at most one X-Herald-Unsubscribe header' });
  else if (unsubscribe === null) problems.push({ field: 'header.x-herald-unsubscribe', message: 'must be true or false' });
  else problems.push(...unsubscribeProblems(unsubscribe, ownListUnsubscribe, 'header.x-herald-unsubscribe'));

  // address fields are read as UTF-8 (RFC 6532): octets that are not UTF-8 become U+FFFD, which no address may hold
  const fromValues = value('from').map(utf8);
  // exactly one mailbox: every other one would ride along unchecked behind a verified first one
  const fromList = fromValues.length === 1 ? addressparser(fromValues[0]) : [];
  const fromAddress = fromList.length === 1 ? fromList[0] : undefined;
  const from = fromAddress && 'address' in fromAddress ? parseMailbox({ email: fromAddress.address ?? '', name: decodeWords(fromAddress.name) || undefined }) : null;
  if (!from?.ok) {
    const why =
      fromValues.length !== 1 ? 'exactly one From header is required' : fromList.length > 1 ? 'must hold exactly one mailbox' : `not a valid address: ${from && !from.ok ? from.reason : 'unreadable'}`;
    problems.push({ field: 'header.from', message: why });
  }
  const template = readTemplateHeaders(value('x-herald-template').map(utf8), value('x-herald-template-variables').map(utf8), problems);
  const replyTo = template ? readReplyTo(value('reply-to').map(utf8), problems) : [];
  const subject = decode(value('subject')[0] ?? '');
  const subjectProblem = decodedTextProblem('header.subject', subject);
  if (subjectProblem) problems.push(subjectProblem);
  if (problems.length > 0 || !from?.ok) throw invalid(problems);

  const id = newId('message', now.getTime());
  const existingId = /^\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(value('message-id')[0] ?? '')?.[1];
  const messageIdHeader = existingId ?? `${id}@${domainOf(from.mailbox.email)}`;
  const added = [
    ...(existingId ? [] : [`Message-ID: <${messageIdHeader}>`]),
    ...(value('date').length ? [] : [`Date: ${now.toUTCString().replace('GMT', '+0000')}`]),
  ];
  const kept = fields.filter((f) => !/^(x-herald-.*|bcc|return-path)$/.test(f.name) && !(f.name === 'message-id' && !existingId));
  const header = [...added, ...kept.map((f) => f.text)].join('\r\n');

  // the header's addresses in the form the envelope's take (A-label domains, NFC local parts), to
  // compare them, each with its display name (a message composed from a template keeps them)
  const listed = (name: string) =>
    new Map(
      value(name).flatMap((v) =>
        addressparser(utf8(v), { flatten: true }).flatMap((a) => {
          const normalized = normalizeEmail('address' in a ? (a.address ?? '') : '');
          return normalized.ok ? [[normalized.email.toLowerCase(), decodeWords(a.name) || undefined] as const] : [];
        }),
      ),
    );
  const to = listed('to');
  const cc = listed('cc');
  const seen = new Set<string>();
  const named: Mailbox[] = [];
  const recipients = submission.recipients.flatMap((address) => {
    const normalized = normalizeEmail(address);
    const email = normalized.ok ? normalized.email : address;
    const key = email.toLowerCase();
    if (seen.has(key)) return [];
    seen.add(key);
    const kind = to.has(key) ? ('to' as const) : cc.has(key) ? ('cc' as const) : ('bcc' as const);
    const name = kind === 'to' ? to.get(key) : kind === 'cc' ? cc.get(key) : undefined;
    named.push(name ? { email, name } : { email });
    return [{ email, kind }];
  });
  // the same rule as every display name Herald writes (no line breaks or control characters, 256 at most)
  if (template) {
    for (const [i, mailbox] of named.entries()) {
      const checked = parseMailbox(mailbox);
      const kind = recipients[i]?.kind;
      if (!checked.ok) problems.push({ field: `header.${kind === 'cc' ? 'cc' : 'to'}`, message: `${mailbox.email}: ${checked.reason}` });
    }
    if (problems.length > 0) throw invalid(problems);
  }

  return {
    draft: {
      id,
      raw: Buffer.concat([Buffer.from(`${header}\r\n`, 'latin1'), body]),
      from: from.mailbox,
      subject,
      messageIdHeader,
      recipients,
      tags: [...new Set(tags)],
      metadata,
      unsubscribe: unsubscribe ?? undefined,
      ownListUnsubscribe,
    },
    idempotencyKey,
    /** Whether the message came with its Message-ID (kept as draft.messageIdHeader), rather than Herald adding one. */
    ownMessageId: existingId !== undefined,
    templated: template && templatedRequest({ from: from.mailbox, recipients: recipients.map((r, i) => ({ ...r, name: named[i]?.name })), replyTo, tags: [...new Set(tags)], metadata, unsubscribe: unsubscribe ?? undefined }, template),
  };
}

/** Reply-To's mailboxes, for a message Herald composes from a template; problems name the header. */
function readReplyTo(values: string[], problems: ErrorDetail[]): Mailbox[] {
  const mailboxes: Mailbox[] = [];
  for (const a of values.flatMap((v) => addressparser(v, { flatten: true }))) {
    const parsed = parseMailbox({ email: 'address' in a ? (a.address ?? '') : '', name: decodeWords(a.name) || undefined });
    if (parsed.ok) mailboxes.push(parsed.mailbox);
    else problems.push({ field: 'header.reply-to', message: `not a valid address: ${parsed.reason}` });
  }
  return mailboxes;
}

function invalid(problems: ErrorDetail[]): HeraldError {
  return new HeraldError('validation_failed', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
}

function parseFields(headerText: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of headerText.split('\r\n')) {
    if (/^[ \t]/.test(line) && fields.length > 0) {
      (fields[fields.length - 1] as HeaderField).text += `\r\n${line}`;
    } else if (line.includes(':')) {
      fields.push({ name: line.slice(0, line.indexOf(':')).trim().toLowerCase(), text: line });
    }
  }
  return fields;
}

function unfold(text: string): string {
  return text.replace(/\r\n[ \t]+/g, ' ').trim();
}

/** Header text read as latin1 (one char per octet), as the UTF-8 it holds (RFC 6532); octets that are not UTF-8 become U+FFFD. */
function utf8(text: string): string {
  return Buffer.from(text, 'latin1').toString('utf8');
}

/** RFC 2047 encoded-words decoded, for what the API shows (the message itself is kept as sent). */
function decodeWords(text: string | undefined): string {
  if (!text) return '';
  try {
    return libmime.decodeWords(text);
  } catch {
    return text;
  }
}

/** A header value read as latin1, for display: raw UTF-8 as UTF-8, other 8-bit octets as latin1, then encoded-words decoded. */
function decode(text: string | undefined): string {
  if (!text) return '';
  const readable = utf8(text);
  return decodeWords(readable.includes('\uFFFD') ? text : readable);
}
