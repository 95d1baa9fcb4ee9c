import type { Db, DeliveryJob, Log } from '@herald/core';
import { classifyReply } from '../classify/classify-reply.ts';
import { recordOutcomes, type RecipientAttempt } from '../record/record-outcomes.ts';
import { isExpired, nextAttemptAt } from '../retry/schedule.ts';
import type { DeliveryResult } from '../retry/job-result.ts';
import { resolveMx, type MxHost } from '../routing/resolve-mx.ts';
import type { DnsResolver } from '../routing/resolver.ts';
import type { DkimKeyStore } from '../signing/dkim-key-store.ts';
import { signMessage } from '../signing/sign-message.ts';
import { deliverToHosts } from '../smtp/deliver-to-hosts.ts';
import type { SendTransaction } from '../smtp/send-transaction.ts';
import { syntheticReply, type AttemptInfo, type RecipientOutcome, type SmtpReply } from './outcome.ts';

export interface DeliverySettings {
  mxPort: number;
  heloName: string;
  smtpConnectTimeoutMs: number;
  smtpGreetingTimeoutMs: number;
  smtpCommandTimeoutMs: number;
  retrySchedule: readonly number[];
  maxMessageAgeMs: number;
}

/** Everything delivery does I/O with, passed in so tests can replace the resolver, clock or SMTP. */
export interface DeliveryDeps {
  db: Db;
  resolver: DnsResolver;
  keys: DkimKeyStore;
  send: SendTransaction;
  settings: DeliverySettings;
  clock: () => Date;
  random?: () => number;
  log: Log;
}

interface PendingRecipient {
  id: string;
  email: string;
  attempts: number;
}

/** What the steps share. A step that decides every recipient's outcome ends the pipeline early. */
interface Attempt {
  job: DeliveryJob;
  now: Date;
  message?: {
    id: string;
    projectId: string;
    domainId: string | null;
    status: string;
    sendAt: Date | null;
    fromEmail: string;
    raw: Buffer;
    createdAt: Date;
  };
  /** A scheduled message whose time has not come: the job comes back then. */
  notBefore?: Date;
  recipients: PendingRecipient[];
  signed?: Buffer;
  hosts?: MxHost[];
  /** Set once every recipient has an outcome for this attempt. */
  outcomes?: { info: AttemptInfo; replies: Map<string, { reply: SmtpReply; forceFail?: boolean }> };
}

type Step = (deps: DeliveryDeps, attempt: Attempt) => Promise<void>;

/** load → release → expire? → sign → route → send; classify and record happen after, for whatever was decided. */
const PIPELINE: [name: string, step: Step][] = [
  ['load', load],
  ['release', release],
  ['expire', expire],
  ['sign', sign],
  ['route', route],
  ['send', send],
];

export async function deliverMessage(deps: DeliveryDeps, job: DeliveryJob): Promise<DeliveryResult> {
  const attempt: Attempt = { job, now: deps.clock(), recipients: [] };
  for (const [name, step] of PIPELINE) {
    if (attempt.outcomes || (name !== 'load' && attempt.recipients.length === 0)) break;
    await step(deps, attempt);
  }
  if (!attempt.message || !attempt.outcomes || attempt.recipients.length === 0) return { retryAt: attempt.notBefore ?? null };
  const results = classify(deps, attempt);
  await recordOutcomes(deps.db, attempt.message, attempt.outcomes.info, results, deps.clock());
  const retries = results.flatMap((r) => (r.outcome.kind === 'deferred' ? [r.outcome.retryAt.getTime()] : []));
  deps.log.info(
    { messageId: job.messageId, domain: job.domain, outcomes: results.map((r) => r.outcome.kind), mx: attempt.outcomes.info.mxHost },
    'delivery attempt recorded',
  );
  return { retryAt: retries.length > 0 ? new Date(Math.min(...retries)) : null };
}

/** The message and its recipients at this job's domain that are still to be delivered. */
async function load(deps: DeliveryDeps, attempt: Attempt): Promise<void> {
  const message = await deps.db.message.findUnique({
    where: { id: attempt.job.messageId },
    select: {
      id: true,
      projectId: true,
      domainId: true,
      status: true,
      sendAt: true,
      fromEmail: true,
      raw: true,
      createdAt: true,
      recipients: {
        where: { domain: attempt.job.domain, status: { in: ['queued', 'deferred'] } },
        select: { id: true, email: true, attempts: true },
        orderBy: { id: 'asc' },
      },
    },
  });
  if (!message) {
    deps.log.warn({ messageId: attempt.job.messageId }, 'delivery job for a message that does not exist');
    return;
  }
  attempt.recipients = message.recipients;
  if (!message.raw) {
    attempt.message = { ...message, raw: Buffer.alloc(0) };
    return decideAll(attempt, syntheticReply(550, '5.3.0', 'message content was purged before delivery'), true);
  }
  attempt.message = { ...message, raw: Buffer.from(message.raw) };
}

/**
 * A scheduled message is sent only from its send_at, and only once this worker has moved it from
 * `scheduled` to `queued`: cancelling does the opposite move the same way, so exactly one wins.
 */
async function release(deps: DeliveryDeps, attempt: Attempt): Promise<void> {
  const message = attempt.message;
  if (!message || message.status !== 'scheduled') return;
  if (message.sendAt && message.sendAt.getTime() > attempt.now.getTime()) {
    attempt.notBefore = message.sendAt;
    attempt.recipients = [];
    return;
  }
  const won = await deps.db.message.updateMany({ where: { id: message.id, status: 'scheduled' }, data: { status: 'queued' } });
  if (won.count === 0) attempt.recipients = []; // cancelled meanwhile
}

/** Past the maximum age (from send_at for a scheduled message), a recipient still not delivered fails with 4.4.7. */
async function expire(deps: DeliveryDeps, attempt: Attempt): Promise<void> {
  const message = attempt.message;
  if (message && isExpired(message.sendAt ?? message.createdAt, attempt.now, deps.settings.maxMessageAgeMs)) {
    decideAll(attempt, syntheticReply(451, '4.4.7', 'message expired: not delivered within the maximum age'), true);
  }
}

async function sign(deps: DeliveryDeps, attempt: Attempt): Promise<void> {
  const message = attempt.message as NonNullable<Attempt['message']>;
  const keys = message.domainId ? await deps.keys.signingKeys(message.domainId) : [];
  if (keys.length === 0) {
    // never send unsigned: wait for a key (the domain may be mid-rotation) rather than bounce
    return decideAll(attempt, syntheticReply(451, '4.7.5', 'no active DKIM key for the sending domain'));
  }
  attempt.signed = signMessage(message.raw, keys, attempt.now);
}

async function route(deps: DeliveryDeps, attempt: Attempt): Promise<void> {
  const result = await resolveMx(deps.resolver, attempt.job.domain, deps.random);
  if (result.ok) attempt.hosts = result.hosts;
  else decideAll(attempt, result.reply);
}

async function send(deps: DeliveryDeps, attempt: Attempt): Promise<void> {
  const message = attempt.message as NonNullable<Attempt['message']>;
  const s = deps.settings;
  const sent = await deliverToHosts(
    deps.send,
    attempt.hosts ?? [],
    {
      port: s.mxPort,
      heloName: s.heloName,
      timeouts: { connectMs: s.smtpConnectTimeoutMs, greetingMs: s.smtpGreetingTimeoutMs, commandMs: s.smtpCommandTimeoutMs },
      envelope: { from: message.fromEmail, to: attempt.recipients.map((r) => r.email) },
      message: attempt.signed as Buffer,
    },
    deps.clock,
  );
  const info: AttemptInfo = { mxHost: sent.mxHost, mxIp: sent.mxIp, tls: sent.result.tls, durationMs: sent.durationMs };
  const replies = new Map<string, { reply: SmtpReply }>();
  for (const r of attempt.recipients) {
    const reply =
      sent.result.kind === 'session'
        ? (sent.result.replies.get(r.email) ?? syntheticReply(451, '4.4.0', 'the server gave no reply for this recipient'))
        : sent.result.reply;
    replies.set(r.id, { reply });
  }
  attempt.outcomes = { info, replies };
}

function decideAll(attempt: Attempt, reply: SmtpReply, forceFail = false): void {
  attempt.outcomes = {
    info: { mxHost: null, mxIp: null, tls: null, durationMs: 0 },
    replies: new Map(attempt.recipients.map((r) => [r.id, { reply, forceFail }])),
  };
}

/** Each recipient's reply becomes its outcome value. */
function classify(deps: DeliveryDeps, attempt: Attempt): RecipientAttempt[] {
  const outcomes = attempt.outcomes as NonNullable<Attempt['outcomes']>;
  return attempt.recipients.map((recipient) => {
    const { reply, forceFail } = outcomes.replies.get(recipient.id) as { reply: SmtpReply; forceFail?: boolean };
    let outcome: RecipientOutcome;
    const { action, category } = classifyReply(reply);
    if (forceFail) outcome = { kind: 'failed', reply, category: reply.enhanced === '4.4.7' ? 'expired' : category };
    else if (action === 'delivered') outcome = { kind: 'delivered', reply };
    else if (action === 'bounced') outcome = { kind: 'bounced', reply, category };
    else {
      const retryAt = nextAttemptAt(recipient.attempts + 1, deps.settings.retrySchedule, attempt.now, deps.random);
      outcome = { kind: 'deferred', reply, category, retryAt };
    }
    return { recipient, outcome };
  });
}
