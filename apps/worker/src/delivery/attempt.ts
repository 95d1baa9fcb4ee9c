import type { Db, DeliveryJob, Log } from '@herald/core';
import type { Destination } from '../routing/destination.ts';
import type { RelayTarget } from '../routing/relay.ts';
import type { DnsResolver } from '@herald/core';
import type { DkimKeyStore } from '../signing/dkim-key-store.ts';
import type { MtaSts } from '../tls-policy/mta-sts.ts';
import type { deliverToDestinations, SmtpDeps } from '../smtp/deliver-to-destinations.ts';
import type { AttemptInfo, SmtpReply } from './outcome.ts';
import type { LoadedJobs } from './steps/load.ts';

export type DeliverTo = typeof deliverToDestinations;

/** Where MTA-STS policies come from (tls-policy/mta-sts.ts); a null policy means none applies. */
export type TlsPolicySource = MtaSts;

export interface DeliverySettings {
  mxPort: number;
  retrySchedule: readonly number[];
  maxMessageAgeMs: number;
}

/** Everything delivery does I/O with, passed in so tests can replace the resolver, clock or SMTP. */
export interface DeliveryDeps {
  db: Db;
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
  /** The sending domain's active DKIM keys when the message was loaded: exactly these sign it. */
  dkimKeyIds: string[];
}

export type Route = { kind: 'test' } | { kind: 'smtp'; destinations: Destination[] };

export interface Decision {
  reply: SmtpReply;
  /** Final whatever the reply says (expired, content purged). */
  forceFail?: boolean;
  /** Test mode: delivered, then a complaint. */
  complained?: boolean;
}

/** What the steps share. A step that decides every recipient's outcome ends the pipeline early. */
export interface Attempt {
  job: DeliveryJob;
  now: Date;
  /** The job's message as its batch loaded it (one query for all), instead of a query of its own. */
  loaded?: LoadedJobs | undefined;
  message?: LoadedMessage;
  recipients: PendingRecipient[];
  /** Not now: a scheduled message, or every destination busy or backed off. No attempt is recorded. */
  notBefore?: Date;
  /** The message as sent: its DKIM-Signature header(s), then the message as stored (not copied together). */
  signed?: Buffer[];
  route?: Route;
  /** Set once every recipient has an outcome for this attempt, by recipient id. */
  outcomes?: { info: AttemptInfo; decisions: Map<string, Decision> };
}

export type Step = (deps: DeliveryDeps, attempt: Attempt) => Promise<void>;

/** Gives every pending recipient the same reply, without a server having been reached. */
export function decideAll(attempt: Attempt, reply: SmtpReply, forceFail = false): void {
  attempt.outcomes = {
    info: { mxHost: null, mxIp: null, tls: null, durationMs: 0 },
    decisions: new Map(attempt.recipients.map((r) => [r.id, { reply, forceFail }])),
  };
}

/** Postpones the whole job without recording an attempt. */
export function postpone(attempt: Attempt, until: Date): void {
  attempt.notBefore = until;
  attempt.recipients = [];
}
