import type { AttemptInfo, Db, DkimSignatureRef, Decision, DeliveryJob, DnsResolver, Log, SmtpReply, Store } from '@herald/core';
import type { Destination } from '../routing/destination.ts';
import type { RelayTarget } from '../routing/relay.ts';
import type { DkimKeyStore } from '../signing/dkim-key-store.ts';
import type { MtaSts } from '../tls-policy/mta-sts.ts';
import type { deliverToDestinations, SmtpDeps } from '../smtp/deliver-to-destinations.ts';
import type { FifoBudget } from './fifo-budget.ts';
import type { LoadedJobs } from './steps/load.ts';

export type DeliverTo = typeof deliverToDestinations;

/** Where MTA-STS policies come from (tls-policy/mta-sts.ts); a null policy means none applies. */
export type TlsPolicySource = MtaSts;

export interface DeliverySettings {
  mxPort: number;
  retrySchedule: readonly number[];
  maxMessageAgeMs: number;
  /** HERALD_PUBLIC_URL: one-click unsubscribe links point there; without it such messages wait. */
  publicUrl?: string | undefined;
  /** HERALD_BOUNCE_HOST: the mailto of List-Unsubscribe is on it. */
  bounceHost?: string | undefined;
}

/** Everything delivery does I/O with, passed in so tests can replace the resolver, clock or SMTP. */
export interface DeliveryDeps {
  db: Db;
  /** The process's group writers: sending marks and outcomes. */
  store: Store;
  resolver: DnsResolver;
  keys: DkimKeyStore;
  smtp: SmtpDeps;
  /** The SMTP layer; unit tests may replace it. */
  deliver?: DeliverTo | undefined;
  /** MTA-STS policies; absent means none are looked up. */
  tlsPolicy?: TlsPolicySource | undefined;
  /** The smart host all mail goes through (HERALD_RELAY_URL), unless a project has its own. */
  relay?: RelayTarget | null | undefined;
  /** Opens sealed per-project settings (a project's relay URL). */
  masterKey: Buffer;
  settings: DeliverySettings;
  /** The bytes of large messages the process may hold at once (LARGE_CONTENT_BUDGET_BYTES); absent: unbounded (tests). */
  contentBudget?: FifoBudget | undefined;
  clock: () => Date;
  random?: () => number;
  log: Log;
}

export interface PendingRecipient {
  id: string;
  email: string;
  attempts: number;
}

export interface LoadedMessage {
  id: string;
  projectId: string;
  domainId: string | null;
  /** The sending domain's DKIM keys that were active when the message was loaded, in signing order. */
  dkimKeyIds: string[];
  status: string;
  sendAt: Date | null;
  fromEmail: string;
  raw: Buffer;
  createdAt: Date;
  test: boolean;
  tags: string[];
  metadata: unknown;
  /** The project's own relay URL, sealed, if it has one. */
  projectRelay: string | null;
  /** The domain of the envelope sender (VERP): the domain's return-path host, else the From domain. */
  returnPathDomain: string;
  /** The sending domain's status: only a verified domain's mail goes out. */
  domainStatus: string | null;
  /** Each recipient's copy carries its own one-click unsubscribe headers (so each goes in a transaction of its own). */
  unsubscribe: boolean;
}

export type Route = { kind: 'test' } | { kind: 'smtp'; destinations: Destination[] };

/**
 * What one delivery has found so far, step by step: the job, the time, then what load, sign and route
 * found. A step reads what the steps before it found and tells the pipeline how to go on (StepResult);
 * it never signals by emptying or leaving out a field.
 */
export interface Attempt {
  job: DeliveryJob;
  now: Date;
  /** The job's message as its batch loaded it (one query for all), instead of a query of its own. */
  loaded?: LoadedJobs | undefined;
  /** Set by load, for every later step. */
  message?: LoadedMessage;
  /** The recipients at the job's domain still to be delivered (set by load; never empty after it). */
  recipients: PendingRecipient[];
  /** The message as sent: its DKIM-Signature header(s), then the message as stored (not copied together). */
  signed?: Buffer[];
  /**
   * Set instead of being the same for all when each recipient's copy differs (one-click unsubscribe):
   * by recipient address, its DKIM-Signature header(s), its own header fields, then the stored message.
   */
  signedPerRecipient?: Map<string, Buffer[]>;
  /** Set by sign: the d=, s= and a= of each signature the copy carries (recorded on the attempt's events). */
  signedWith?: DkimSignatureRef[];
  route?: Route;
  /** Set by load when it read a large message under the content budget: gives its bytes back when the delivery ends. */
  giveBackContent?: () => void;
}

/** How a step lets the delivery go on. */
export type StepResult =
  /** On to the next step. */
  | { kind: 'continue' }
  /** Every pending recipient has its outcome for this attempt (a server's replies, or the step's own reason). */
  | { kind: 'decided'; info: AttemptInfo; decisions: Map<string, Decision> }
  /** Not now, and no attempt recorded: a scheduled message, or every destination busy or backed off. */
  | { kind: 'postponed'; until: Date; reason: string }
  /** Nothing to deliver: the message is gone, nothing of it is pending at this domain, it was cancelled, or another attempt holds every recipient. */
  | { kind: 'stopped'; reason: 'no-message' | 'nothing-pending' | 'cancelled' | 'claimed-elsewhere' };

export type Step = (deps: DeliveryDeps, attempt: Attempt) => Promise<StepResult>;

export const CONTINUE: StepResult = { kind: 'continue' };

/** Every pending recipient gets the same reply, without a server having been reached. */
export function decideAll(attempt: Attempt, reply: SmtpReply, hints: Omit<Decision, 'reply'> = {}): StepResult {
  return {
    kind: 'decided',
    info: { mxHost: null, mxIp: null, tls: null, durationMs: 0 },
    decisions: new Map(attempt.recipients.map((r) => [r.id, { reply, ...hints }])),
  };
}

/** The loaded message, for the steps after load (which stops the pipeline when there is none). */
export function loadedMessage(attempt: Attempt): LoadedMessage {
  if (!attempt.message) throw new Error('a delivery step ran before the message was loaded');
  return attempt.message;
}
