import { LINE_BREAK, MESSAGE_RULES, parseMailbox, type Mailbox } from '@herald/core';
import type { SendMessageBody } from './send-message.ts';

/**
 * The common send request read without zod: from, to (cc, bcc, reply_to), a subject and text and/or
 * HTML, nothing else. A body of that shape that zod would accept is read here into exactly what zod
 * would make of it (plain-send-message.unit.test.ts holds the two together), in a fraction of
 * zod's time (about 1.5 µs against 9.6 for the benchmark's message, which a batch pays 500 times).
 * Anything else — another field, a template, a value zod would refuse — answers undefined, and zod
 * then validates the body as always: its errors, and every rarer field, stay zod's alone.
 */
const PLAIN_FIELDS = new Set(['from', 'to', 'cc', 'bcc', 'reply_to', 'subject', 'text', 'html']);

export function readPlainSendMessage(data: unknown): SendMessageBody | undefined {
  if (!isRecord(data)) return undefined;
  for (const key of Object.keys(data)) if (!PLAIN_FIELDS.has(key)) return undefined;
  const { subject, text, html } = data;
  if (typeof subject !== 'string' || subject.length > MESSAGE_RULES.maxSubjectLength || LINE_BREAK.test(subject)) return undefined;
  if (text === undefined && html === undefined) return undefined;
  if ((text !== undefined && typeof text !== 'string') || (html !== undefined && typeof html !== 'string')) return undefined;
  const from = data.from === undefined ? undefined : readMailbox(data.from);
  const to = readMailboxList(data.to);
  if (!from || !to || to.length === 0) return undefined;
  // the fields in the schema's order, as zod writes them
  const body: SendMessageBody = { from, to };
  for (const field of ['cc', 'bcc', 'reply_to'] as const) {
    if (data[field] === undefined) continue;
    const list = readMailboxList(data[field]);
    if (!list) return undefined;
    body[field] = list;
  }
  body.subject = subject;
  if (text !== undefined) body.text = text;
  if (html !== undefined) body.html = html;
  return body;
}

/** A batch of plain messages ({ messages: [...] }, 1 to `max`), or undefined for zod to read. */
export function readPlainBatch(data: unknown, max: number): { messages: SendMessageBody[] } | undefined {
  if (!isRecord(data) || Object.keys(data).length !== 1 || !Array.isArray(data.messages)) return undefined;
  const list: unknown[] = data.messages;
  if (list.length < 1 || list.length > max) return undefined;
  const messages: SendMessageBody[] = [];
  for (const item of list) {
    const message = readPlainSendMessage(item);
    if (!message) return undefined;
    messages.push(message);
  }
  return { messages };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A mailbox as schemas/mailbox.ts accepts it ("addr", "Name <addr>", or { email, name? }), parsed by core's rules. */
function readMailbox(value: unknown): Mailbox | undefined {
  if (typeof value !== 'string') {
    if (!isRecord(value) || typeof value.email !== 'string') return undefined;
    for (const key of Object.keys(value)) if (key !== 'email' && key !== 'name') return undefined;
    if (value.name !== undefined && typeof value.name !== 'string') return undefined;
  }
  const parsed = parseMailbox(value as string | { email: string; name?: string });
  return parsed.ok ? parsed.mailbox : undefined;
}

/** One mailbox or a list of them, always a list. */
function readMailboxList(value: unknown): Mailbox[] | undefined {
  if (!Array.isArray(value)) {
    const one = readMailbox(value);
    return one && [one];
  }
  const list: Mailbox[] = [];
  for (const item of value) {
    const mailbox = readMailbox(item);
    if (!mailbox) return undefined;
    list.push(mailbox);
  }
  return list;
}
