/**
 * What happened to one recipient in one attempt, as a value. SMTP and DNS exceptions are turned into
 * these in one place (smtp/send-transaction.ts, routing/resolve-mx.ts); the job processor only turns
 * them into BullMQ results.
 */
export interface SmtpReply {
  /** The SMTP reply code; synthetic replies (DNS failures, timeouts) carry the code a server would. */
  code: number;
  /** RFC 3463 enhanced status code, e.g. "5.1.1", when the reply has one. */
  enhanced: string | null;
  text: string;
}

export type RecipientOutcome =
  | { kind: 'delivered'; reply: SmtpReply }
  /** Delivered, then reported as spam by the recipient (test mode's complained@ address). */
  | { kind: 'complained'; reply: SmtpReply }
  | { kind: 'deferred'; reply: SmtpReply; category: string; retryAt: Date }
  | { kind: 'bounced'; reply: SmtpReply; category: string }
  | { kind: 'failed'; reply: SmtpReply; category: string };

/** Where and how an attempt talked to a server (absent when it never connected). */
export interface AttemptInfo {
  mxHost: string | null;
  mxIp: string | null;
  tls: { version: string; cipher: string; verified: boolean } | null;
  durationMs: number;
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
