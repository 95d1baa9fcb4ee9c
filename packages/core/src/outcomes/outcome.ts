import type { SmtpReply } from './smtp-reply.ts';

/**
 * Why a recipient was not delivered, in one vocabulary for every source: the classifier's rules and
 * enhanced codes (classify-reply.ts), DNS failures named as such by routing, expiry, complaints.
 * docs/delivery.md lists them (a test keeps the list complete).
 */
export type BounceCategory =
  | 'bad-mailbox'
  | 'mailbox-full'
  | 'mailbox'
  | 'message-too-large'
  | 'network'
  | 'too-many-recipients'
  | 'smtputf8'
  | 'policy'
  | 'spam-block'
  | 'throttled'
  | 'dns'
  | 'expired'
  | 'complaint'
  | 'other';

/** Bounces that mean the address will never work: the address is suppressed for the project. */
export const HARD_BOUNCE_CATEGORIES: ReadonlySet<BounceCategory> = new Set(['bad-mailbox', 'dns']);

/**
 * What happened to one recipient in one attempt, as a value. SMTP and DNS exceptions are turned into
 * these in one place each (the worker's smtp-session.ts and resolve-mx.ts); the job processor only
 * turns them into BullMQ results.
 */
export type RecipientOutcome =
  | { kind: 'delivered'; reply: SmtpReply }
  /** Delivered, then reported as spam by the recipient (test mode's complained@ address). */
  | { kind: 'complained'; reply: SmtpReply }
  | { kind: 'deferred'; reply: SmtpReply; category: BounceCategory; retryAt: Date }
  | { kind: 'bounced'; reply: SmtpReply; category: BounceCategory }
  | { kind: 'failed'; reply: SmtpReply; category: BounceCategory };

/** One DKIM-Signature an attempt's copy carried: its d=, s= and a= tags. */
export interface DkimSignatureRef {
  domain: string;
  selector: string;
  algorithm: 'rsa-sha256' | 'ed25519-sha256';
}

/** Where and how an attempt talked to a server (absent when it never connected). */
export interface AttemptInfo {
  mxHost: string | null;
  mxIp: string | null;
  tls: { version: string; cipher: string; verified: boolean } | null;
  durationMs: number;
  /** The DKIM signatures the attempt's copy carried (none when it was decided before signing). */
  dkim?: readonly DkimSignatureRef[] | undefined;
}
