/**
 * The value syntaxes of report fields (RFC 3464 §2.1.2, RFC 5965 §3.1): "type; value" pairs
 * (rfc822; an address, dns; a host, smtp; a reply), addresses, enhanced status codes (RFC 3463),
 * dates (RFC 5322), with comments in parentheses where the RFCs allow them. Each reader answers
 * undefined for what it cannot read, so a report with one bad field keeps its good ones.
 */
export interface TypedValue {
  /** Lower-case type: rfc822, utf-8, dns, smtp, x-…; "" when the field had no "type;" part. */
  type: string;
  value: string;
}

export function readTypedValue(raw: string | undefined): TypedValue | undefined {
  if (raw === undefined) return undefined;
  const semicolon = raw.indexOf(';');
  const type = semicolon >= 0 ? raw.slice(0, semicolon).trim().toLowerCase() : '';
  const value = (semicolon >= 0 && /^[a-z0-9-]*$/.test(type) ? raw.slice(semicolon + 1) : raw).trim();
  // a host name may carry a comment and the root's dot: "dns; mx.example.net. (192.0.2.50)"
  const clean = type === 'dns' ? stripComments(value).replace(/\.$/, '') : value;
  if (!clean) return undefined;
  return { type: /^[a-z0-9-]*$/.test(type) ? type : '', value: clean };
}

// a mailbox: no white space, no angle brackets, one local part and one dotted domain; UTF-8 allowed (RFC 6533's utf-8 type)
const ADDRESS = /^[^\s<>()@,;:"]{1,64}@[^\s<>()@,;:"[\]]+\.[^\s<>()@,;:"[\]]+$/u;

/** An address as written in a report or text: angle brackets, a trailing dot or comma and quotes removed; undefined unless it looks like one. */
export function readAddress(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const bare = raw.trim().replace(/^(?:mailto:)/i, '').replace(/^<(.*)>$/, '$1').replace(/[.,;:]+$/, '').trim();
  return bare.length <= 254 && ADDRESS.test(bare) ? bare : undefined;
}

/** The address of an "rfc822; addr" (or "utf-8; addr", or untyped) field. */
export function readTypedAddress(raw: string | undefined): string | undefined {
  const typed = readTypedValue(raw);
  if (!typed || !['', 'rfc822', 'utf-8', 'x-unix'].includes(typed.type)) return undefined;
  return readAddress(typed.value);
}

export function stripComments(raw: string): string {
  let out = raw;
  // innermost first, a bounded number of times: comments nest (RFC 5322 §3.2.2)
  for (let i = 0; i < 5 && /\([^()]*\)/.test(out); i++) out = out.replace(/\([^()]*\)/g, ' ');
  return out.replace(/\s+/g, ' ').trim();
}

const STATUS = /^([245])\.(\d{1,3})\.(\d{1,3})$/;

/** An enhanced status code "5.1.1" (class 2, 4 or 5), comments and trailing text ignored. */
export function readStatus(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const first = stripComments(raw).split(' ')[0] ?? '';
  return STATUS.test(first) ? first : undefined;
}

/** An RFC 5322 date (as Arrival-Date, Last-Attempt-Date carry); undefined when unreadable. */
export function readDate(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const text = stripComments(raw);
  if (!/\d{4}/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * The reply code and enhanced status code in an SMTP reply as bounces quote it ("550 5.1.1 …",
 * "550-5.1.1 …", "#550 5.1.1 …", "smtp;550 5.1.1"): a code followed by an enhanced code is preferred
 * to either alone, so that a stray number earlier in the text is not taken for the reply.
 */
export function readSmtpReply(text: string): { code?: number; status?: string } {
  const pair = /(?:^|[^\d.])([245]\d\d)[ -]#?([245]\.\d{1,3}\.\d{1,3})(?![\d.])/.exec(text);
  if (pair) return { code: Number(pair[1]), status: pair[2] };
  const code = /(?:^|[\s#(:;])([245]\d\d)(?=[\s,;:)-]|$)/.exec(text)?.[1];
  const status = /(?:^|[^\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])/.exec(text)?.[1];
  return { ...(code ? { code: Number(code) } : {}), ...(status ? { status } : {}) };
}
