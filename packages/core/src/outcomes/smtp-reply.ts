/**
 * What a mail server said, as a value: the reply to one recipient in one transaction, or a synthetic
 * one for what never reached a server (a DNS failure, a timeout, an expiry), carrying the code a
 * server would have given. The worker's SMTP client, its routing and the inbound MX's reports of later
 * bounces (DSNs) all speak it; the classifier turns it into an outcome.
 */
export interface SmtpReply {
  /** The SMTP reply code; synthetic replies (DNS failures, timeouts) carry the code a server would. */
  code: number;
  /** RFC 3463 enhanced status code, e.g. "5.1.1", when the reply has one. */
  enhanced: string | null;
  text: string;
}

/** Parses "550 5.1.1 No such user" (or a multi-line reply) into code, enhanced code and text. */
export function parseReply(raw: string): SmtpReply {
  const trimmed = raw.trim();
  const match = /^(\d{3})[ -]?(?:([245]\.\d{1,3}\.\d{1,3})\s)?/.exec(trimmed);
  if (!match) return { code: 0, enhanced: null, text: trimmed };
  return { code: Number(match[1]), enhanced: match[2] ?? null, text: trimmed };
}

export function syntheticReply(code: number, enhanced: string, text: string): SmtpReply {
  return { code, enhanced, text: `${code} ${enhanced} ${text}` };
}
