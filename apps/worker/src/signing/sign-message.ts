import { createHash, sign, type KeyObject } from 'node:crypto';
import { metrics, seconds } from '@herald/core';
import { parseFields, type HeaderField } from '@herald/core/mime/header-fields';
import { relaxedBodyHash, relaxedHeader } from './dkim-canonical.ts';

export interface SigningKey {
  domain: string;
  selector: string;
  algorithm: 'rsa_sha256' | 'ed25519_sha256';
  /** Parsed once by the key store; never a PEM string here. */
  privateKey: KeyObject;
}

/** A key's a= tag. */
export function algorithmTag(key: Pick<SigningKey, 'algorithm'>): 'rsa-sha256' | 'ed25519-sha256' {
  return key.algorithm === 'ed25519_sha256' ? 'ed25519-sha256' : 'rsa-sha256';
}

/**
 * Header fields signed when present (RFC 6376 §5.4.1 recommendations plus MIME and List-Unsubscribe).
 * Those in OVERSIGNED are listed once more than they occur, so a header of that name added after
 * signing (a second From, say) breaks the signature.
 */
const SIGNED_FIELDS = [
  'from', 'reply-to', 'subject', 'date', 'message-id', 'to', 'cc', 'mime-version', 'content-type',
  'content-transfer-encoding', 'content-id', 'content-description', 'in-reply-to', 'references',
  'list-id', 'list-unsubscribe', 'list-unsubscribe-post', 'sender', 'feedback-id',
];
const OVERSIGNED = new Set(['from', 'subject', 'to', 'cc', 'date', 'message-id', 'reply-to', 'list-unsubscribe', 'list-unsubscribe-post']);

/** Folded lines of the DKIM-Signature field stay within this width where a break is allowed. */
const WIDTH = 78;

/**
 * DKIM-signs a message (RFC 6376, relaxed/relaxed; rsa-sha256, or ed25519-sha256 per RFC 8463; never
 * rsa-sha1, never l=). The body is hashed once for all keys; From and the other identity headers are
 * oversigned; keys are cached KeyObjects, never a PEM parsed per message. Returns the DKIM-Signature
 * header lines (CRLF-terminated) to put in front of the message, one per key.
 *
 * Canonicalization is Herald's own (dkim-canonical.ts) rather than mailauth's: mailauth's streaming
 * canonicalizers and header formatting cost about a fifth of an RSA-2048 signature per message. Its
 * verifier checks every signature in the tests, and its body hash is compared with this one.
 */
export function dkimSignatures(message: Buffer, keys: SigningKey[], signTime: Date = new Date()): string {
  return prepareSignatures(message, keys, signTime)();
}

/**
 * The work of dkimSignatures that does not depend on header fields added in front of the message
 * (the body hash, the header read once), and a function that signs the message with such fields
 * before it: one recipient's List-Unsubscribe, say. Signing N copies hashes the body once.
 */
export function prepareSignatures(message: Buffer, keys: SigningKey[], signTime: Date = new Date()): (addedFields?: string) => string {
  const prepared = performance.now();
  const split = headerEnd(message);
  const header = message.toString('latin1', 0, split.headerLength);
  const bodyHash = relaxedBodyHash(message.subarray(split.bodyStart));
  // the signing time of a copy, counted in herald_dkim_sign_duration_seconds; the first copy carries the body hash
  let first = true;
  return (addedFields = '') => {
    const started = first ? prepared : performance.now();
    first = false;
    const { names, canonical } = selectHeaders(parseFields(addedFields + header));
    let out = '';
    for (const key of keys) {
      const algorithm = algorithmTag(key);
      const tags = [`v=1`, `a=${algorithm}`, `c=relaxed/relaxed`, `d=${key.domain}`, `s=${key.selector}`, `t=${Math.floor(signTime.getTime() / 1000)}`];
      // b= comes last and empty: this is the field as signed; the signature then goes after "b="
      const unsigned = foldTags('DKIM-Signature:', [...tags.map((t) => `${t};`), `h=${names.join(':')};`, `bh=${bodyHash};`, 'b=']);
      const input = Buffer.from(canonical + relaxedHeader(unsigned).slice(0, -2), 'latin1');
      const signature =
        key.algorithm === 'ed25519_sha256'
          ? sign(null, createHash('sha256').update(input).digest(), key.privateKey)
          : sign('sha256', input, key.privateKey);
      out += `${unsigned}${foldBase64(signature.toString('base64'), lastLineLength(unsigned))}\r\n`;
    }
    if (keys.length > 0) metrics().dkimSignDuration.observe(seconds(performance.now() - started));
    return out;
  };
}

/**
 * The signed message as it goes to the wire: its DKIM-Signature header(s), then the message itself
 * (not copied together); the message alone when there is no key.
 */
export function signedParts(message: Buffer, keys: SigningKey[], signTime?: Date): Buffer[] {
  if (keys.length === 0) return [message];
  return [Buffer.from(dkimSignatures(message, keys, signTime), 'latin1'), message];
}

/** Signs and returns the whole message with its DKIM-Signature header(s) first, in one buffer. */
export function signMessage(message: Buffer, keys: SigningKey[], signTime?: Date): Buffer {
  const parts = signedParts(message, keys, signTime);
  return parts.length === 1 ? message : Buffer.concat(parts);
}

/**
 * RFC 6376 §5.4.2: each name in h= takes the last not-yet-used instance of that field, bottom-up; a
 * name with no instance left signs "nothing", which is what oversigning relies on. Answers the h=
 * names (as the message writes them) and the selected fields in relaxed form, in h= order.
 */
function selectHeaders(fields: HeaderField[]): { names: string[]; canonical: string } {
  const names: string[] = [];
  let canonical = '';
  for (const name of SIGNED_FIELDS) {
    const present = fields.filter((f) => f.name === name);
    for (let i = present.length - 1; i >= 0; i--) {
      const text = (present[i] as HeaderField).text;
      names.push(text.slice(0, text.indexOf(':')).trim());
      canonical += relaxedHeader(text);
    }
    if (present.length > 0 && OVERSIGNED.has(name)) names.push(names[names.length - 1] as string);
  }
  return { names, canonical };
}

/** "Name: tag; tag; …" with a fold (CRLF SP) before any tag that would pass the width; long h= lists break after a colon. */
function foldTags(prefix: string, tags: string[]): string {
  let out = prefix;
  let line = prefix.length;
  for (const tag of tags) {
    for (const [i, piece] of (tag.startsWith('h=') ? tag.split(/(?<=:)/) : [tag]).entries()) {
      const space = i === 0 ? 1 : 0;
      if (line + space + piece.length > WIDTH && line > 1) {
        out += `\r\n ${piece}`;
        line = 1 + piece.length;
      } else {
        out += `${space ? ' ' : ''}${piece}`;
        line += space + piece.length;
      }
    }
  }
  return out;
}

/** The signature, folded so that no line passes the width (whitespace in b= is ignored by verifiers). */
function foldBase64(value: string, used: number): string {
  let out = '';
  let room = WIDTH - used;
  for (let i = 0; i < value.length; ) {
    if (room <= 0) {
      out += '\r\n ';
      room = WIDTH - 1;
    }
    out += value.slice(i, i + room);
    i += room;
    room = 0;
  }
  return out;
}

const lastLineLength = (text: string): number => text.length - (text.lastIndexOf('\n') + 1);

function headerEnd(message: Buffer): { headerLength: number; bodyStart: number } {
  const crlf = message.indexOf('\r\n\r\n');
  if (crlf >= 0) return { headerLength: crlf + 2, bodyStart: crlf + 4 };
  return { headerLength: message.length, bodyStart: message.length };
}
