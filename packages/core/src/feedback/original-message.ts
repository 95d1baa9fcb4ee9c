import addressparser from 'nodemailer/lib/addressparser/index.js';
import { hasIdShape } from '../ids.ts';
import { allValues, firstValue, readHeaderBlock, type HeaderField } from './header-fields.ts';
import { decodedValue, type MimePart } from './mime-parts.ts';
import { readAddress } from './report-values.ts';

/**
 * The headers of the message a report is about, from the report's third part: message/rfc822
 * (the whole message, or its start), text/rfc822-headers (RFC 6522 §4), or their RFC 6532 forms
 * message/global and message/global-headers. Only the header block is read.
 *
 * Nothing here is authenticated: a report's sender writes these headers as it likes. Return-Path is
 * the one that can prove anything, and only once its signed token is verified (verp-address.ts);
 * Message-ID and X-Herald-* are hints to look a message up by.
 */
export interface OriginalHeaders {
  messageId?: string;
  returnPath?: string;
  from?: string;
  to: string[];
  subject?: string;
  /**
   * Herald's id of the message, from an X-Herald-Message-Id header or a Message-ID of the form
   * Herald gives (<msg_ULID@domain>); unauthenticated.
   */
  heraldMessageId?: string;
  /** Every X-Herald-* header, by lower-case name. */
  heraldHeaders: Record<string, string>;
}

export const ORIGINAL_MESSAGE_TYPES = ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers', 'message/rfc822-headers'];

/** The header block of a message is never legitimately larger than this; what follows is not read. */
const MAX_HEADER_BYTES = 256 * 1024;

export function findOriginalHeaders(parts: readonly MimePart[]): OriginalHeaders | undefined {
  const part = parts.find((p) => ORIGINAL_MESSAGE_TYPES.includes(p.contentType));
  if (!part) return undefined;
  const fields = readHeaderBlock(part.content.subarray(0, MAX_HEADER_BYTES).toString('utf8'));
  return fields.length > 0 ? originalHeadersOf(fields) : undefined;
}

export function originalHeadersOf(fields: readonly HeaderField[]): OriginalHeaders {
  const messageId = angleContent(firstValue(fields, 'message-id'));
  const returnPath = readAddress(firstValue(fields, 'return-path'));
  const from = addressesOf(allValues(fields, 'from'))[0];
  const subject = decodedValue(firstValue(fields, 'subject'));
  const heraldHeaders = Object.fromEntries(fields.filter((f) => f.name.startsWith('x-herald-')).map((f) => [f.name, f.value]));
  const heraldMessageId = [heraldHeaders['x-herald-message-id'], messageId?.split('@')[0]].find((id) => id !== undefined && hasIdShape('message', id));
  return {
    ...(messageId ? { messageId } : {}),
    ...(returnPath ? { returnPath } : {}),
    ...(from ? { from } : {}),
    to: addressesOf(allValues(fields, 'to')),
    ...(subject ? { subject } : {}),
    ...(heraldMessageId ? { heraldMessageId } : {}),
    heraldHeaders,
  };
}

function angleContent(value: string | undefined): string | undefined {
  const inside = value?.match(/<([^<>\s]+)>/)?.[1] ?? value?.trim();
  return inside ? inside : undefined;
}

/** The addresses in address-list headers ("Ann <a@x>, b@y"), through nodemailer's parser (groups flattened). */
export function addressesOf(values: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (entries: ReturnType<typeof addressparser>) => {
    for (const entry of entries) {
      if ('group' in entry && entry.group) walk(entry.group);
      const address = 'address' in entry ? readAddress(entry.address) : undefined;
      if (address) out.push(address);
    }
  };
  for (const value of values) walk(addressparser(value));
  return out;
}
