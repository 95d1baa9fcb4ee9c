import { createHash, sign, type KeyObject } from 'node:crypto';
import { dkimBody } from 'mailauth/lib/dkim/body/index.js';
import { relaxedHeaders } from 'mailauth/lib/dkim/header/relaxed.js';
import { formatSignatureHeaderLine, parseHeaders, type ParsedHeader } from 'mailauth/lib/tools.js';

export interface SigningKey {
  domain: string;
  selector: string;
  algorithm: 'rsa_sha256' | 'ed25519_sha256';
  /** Parsed once by the key store; never a PEM string here. */
  privateKey: KeyObject;
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
const OVERSIGNED = new Set(['from', 'subject', 'to', 'cc', 'date', 'message-id', 'reply-to', 'list-unsubscribe']);

/**
 * DKIM-signs a message (relaxed/relaxed, rsa-sha256 or ed25519-sha256 per RFC 8463; never rsa-sha1,
 * never l=). Canonicalisation and the header format come from mailauth; the header list is chosen
 * here so that From and the other identity headers are oversigned, and the key is a cached KeyObject
 * rather than a PEM parsed per message. Returns the DKIM-Signature header lines (CRLF-terminated) to
 * put in front of the message, one per key.
 */
export function dkimSignatures(message: Buffer, keys: SigningKey[], signTime: Date = new Date()): string {
  const split = headerEnd(message);
  const headers = parseHeaders(message.subarray(0, split.headerLength)).parsed;
  const body = message.subarray(split.bodyStart);

  const hasher = dkimBody('relaxed/relaxed', 'sha256');
  hasher.update(body);
  const bodyHash = hasher.digest('base64');

  const signingLines = selectHeaders(headers);
  let out = '';
  for (const key of keys) {
    const algorithm = key.algorithm === 'ed25519_sha256' ? 'ed25519-sha256' : 'rsa-sha256';
    const { canonicalizedHeader, dkimHeaderOpts } = relaxedHeaders('DKIM', signingLines, {
      signingDomain: key.domain,
      selector: key.selector,
      algorithm,
      canonicalization: 'relaxed/relaxed',
      bodyHash,
      signTime,
    });
    const signature =
      key.algorithm === 'ed25519_sha256'
        ? sign(null, createHash('sha256').update(canonicalizedHeader).digest(), key.privateKey)
        : sign('sha256', canonicalizedHeader, key.privateKey);
    out += formatSignatureHeaderLine('DKIM', { ...dkimHeaderOpts, b: signature.toString('base64') }, true) + '\r\n';
  }
  return out;
}

/** Signs and returns the whole message with its DKIM-Signature header(s) first. */
export function signMessage(message: Buffer, keys: SigningKey[], signTime?: Date): Buffer {
  if (keys.length === 0) return message;
  return Buffer.concat([Buffer.from(dkimSignatures(message, keys, signTime), 'latin1'), message]);
}

/**
 * RFC 6376 §5.4.2: each name in h= takes the last not-yet-used instance of that field, bottom-up; a
 * name with no instance left signs "nothing", which is what oversigning relies on.
 */
function selectHeaders(headers: ParsedHeader[]): { keys: string; headers: ParsedHeader[] } {
  const names: string[] = [];
  const lines: ParsedHeader[] = [];
  for (const field of SIGNED_FIELDS) {
    const present = headers.filter((h) => h.key === field);
    for (let i = present.length - 1; i >= 0; i--) {
      names.push((present[i] as ParsedHeader).casedKey ?? field);
      lines.push(present[i] as ParsedHeader);
    }
    if (present.length > 0 && OVERSIGNED.has(field)) names.push(present[0]?.casedKey ?? field);
  }
  return { keys: names.join(': '), headers: lines };
}

function headerEnd(message: Buffer): { headerLength: number; bodyStart: number } {
  const crlf = message.indexOf('\r\n\r\n');
  if (crlf >= 0) return { headerLength: crlf + 2, bodyStart: crlf + 4 };
  return { headerLength: message.length, bodyStart: message.length };
}
