import { createHash } from 'node:crypto';
import type { Log } from '@herald/core';
import { classifyReply, destinationLabel, metrics, seconds } from '@herald/core';
import { syntheticReply, type SmtpReply } from '@herald/core';
import type { Destination } from '../routing/destination.ts';
import type { DestinationLimits } from './destination-limits.ts';
import { messageNeeds, needsSmtpUtf8, refusedWithoutSmtpUtf8, type MessageNeeds } from './message-needs.ts';
import type { SessionPool } from './session-pool.ts';
import { SessionError, SmtpSession, type SessionOptions, type TlsInfo } from './smtp-session.ts';

export interface SmtpDeps {
  pool: SessionPool;
  limits: DestinationLimits;
  heloName: string;
  timeouts: { connectMs: number; greetingMs: number; commandMs: number; dataMs: number };
  /** Extra trusted CA certificates (PEM). */
  ca?: string | undefined;
  clock: () => Date;
  log: Log;
  /**
   * This process hears other workers give connection slots back (freed-slots.ts feeds
   * pool.slotFreed): a delivery at a destination's limit waits for a slot even when every connection
   * to it is another worker's. Without it such a delivery is postponed at once.
   */
  hearsFreedSlots?: boolean;
  /** Opens a session; tests may wrap it. */
  open?: (options: SessionOptions) => Promise<SmtpSession>;
}

export type DeliveryAttempt =
  /** A server answered: each recipient's reply. */
  | { kind: 'replies'; replies: Map<string, SmtpReply>; host: string; ip: string; tls: TlsInfo | null; durationMs: number }
  /** No server gave a session: the last failure stands for every recipient. */
  | { kind: 'no-session'; reply: SmtpReply; host: string | null; ip: string | null; durationMs: number }
  /** Every destination is backed off or at its connection limit: try again then, no attempt made. */
  | { kind: 'postponed'; until: Date; reason: string };

/**
 * What goes after DATA: the same bytes for every recipient (in parts not copied together), or each
 * recipient's own copy by address (one-click unsubscribe: a token per recipient), which then goes in
 * a transaction of its own.
 */
export type MessageContent = Buffer | Buffer[] | { perRecipient: Map<string, Buffer[]> };

/** How long to wait before retrying a destination that is at its connection limit (as a delayed job). */
const BUSY_RETRY_MS = 3_000;

/**
 * How long a delivery waits in this process for a session to a destination at its connection limit:
 * a session of this process is handed to the next waiting delivery as soon as its transaction ends,
 * and a slot any worker gives back wakes the longest waiting one (hearsFreedSlots). Without that
 * signal, a destination whose connections are all another worker's is not waited for (nothing would
 * wake the delivery): it is postponed at once.
 */
export const BUSY_WAIT_MS = 5_000;

/** The session's connection slot (shared across workers) is released when the pool closes it. */
const leases = new WeakMap<SmtpSession, { destination: string; lease: string }>();

export function releaseLeaseOnClose(limits: DestinationLimits): (session: SmtpSession) => Promise<void> {
  return async (session) => {
    const held = leases.get(session);
    if (held) await limits.releaseSlot(held.destination, held.lease).catch(() => undefined);
  };
}

/**
 * Tries the destinations in order (each of their addresses in turn) until one gives a session — a
 * refusal, an unreachable address or a bad greeting falls through to the next within the same attempt
 * (RFC 5321 §5.1). Sessions come from the pool when one is idle; a new connection needs a slot under
 * the destination's connection limit, held across all workers. A destination backed off after
 * "slow down" replies is skipped. Once a server answers the transaction, its replies stand.
 */
export async function deliverToDestinations(
  deps: SmtpDeps,
  destinations: Destination[],
  envelopeFrom: (recipients: string[]) => string,
  recipients: string[],
  message: MessageContent,
): Promise<DeliveryAttempt> {
  const started = deps.clock().getTime();
  const needs = messageNeeds(sampleCopy(message));
  let last: DeliveryAttempt | null = null;
  let postponeUntil: number | null = null;
  let postponeReason = '';
  const postpone = (until: number, reason: string) => {
    if (postponeUntil === null || until < postponeUntil) [postponeUntil, postponeReason] = [until, reason];
  };

  destinations: for (const destination of destinations) {
    const backedOff = await deps.limits.backedOffUntil(destination.name);
    if (backedOff) {
      postpone(backedOff, `${destination.name} asked to slow down`);
      continue;
    }
    for (const ip of destination.addresses) {
      const key = poolKey(destination, ip);
      let session = deps.pool.takeIdle(key);
      let fresh = false;
      let result: Awaited<ReturnType<typeof runTransactions>> | null = null;
      for (;;) {
        if (!session) {
          const got = await sessionUnderLimit(deps, destination, ip, key);
          if (got.kind === 'busy') {
            postpone(deps.clock().getTime() + BUSY_RETRY_MS, `${destination.name} is at its connection limit`);
            continue destinations;
          }
          if (got.kind === 'failed') {
            metrics().smtpConnectFailures.inc({ destination: destinationLabel(destination.name) });
            last = { kind: 'no-session', reply: got.reply, host: destination.name, ip, durationMs: deps.clock().getTime() - started };
            break;
          }
          ({ session, fresh } = got);
        }
        result = await runTransactions(session, envelopeFrom, recipients, message, needs);
        if (fresh || !result.unanswered) break;
        // the server had closed the reused connection: nothing was sent, so another session takes over
        deps.pool.release(key, session);
        [session, result] = [null, null];
      }
      if (!session || !result) continue;
      const tls = session.tls;
      deps.pool.release(key, session);
      await noteThrottling(deps.limits, destination.name, result.replies);
      const durationMs = deps.clock().getTime() - started;
      metrics().smtpTransactionDuration.observe({ destination: destinationLabel(destination.name), tls: tls ? 'true' : 'false' }, seconds(durationMs));
      return { kind: 'replies', replies: result.replies, host: destination.name, ip, tls, durationMs };
    }
  }
  if (last) return last;
  if (postponeUntil !== null) return { kind: 'postponed', until: new Date(postponeUntil), reason: postponeReason };
  return {
    kind: 'no-session',
    reply: syntheticReply(451, '4.4.1', 'no mail host to connect to'),
    host: null,
    ip: null,
    durationMs: deps.clock().getTime() - started,
  };
}

/**
 * A session for a delivery that found no idle one: a new connection under the destination's limit;
 * or, at the limit, the first session this process gives back (handed over: `fresh` false), or a slot
 * a closing connection frees (this process's, or any worker's when it hears them); 'busy' when
 * neither comes within BUSY_WAIT_MS.
 */
async function sessionUnderLimit(
  deps: SmtpDeps,
  destination: Destination,
  ip: string,
  key: string,
): Promise<{ kind: 'session'; session: SmtpSession; fresh: boolean } | { kind: 'busy' } | { kind: 'failed'; reply: SmtpReply }> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (;;) {
    const opened = await newSession(deps, destination, ip);
    if (opened.kind === 'session') return { kind: 'session', session: opened.session, fresh: true };
    if (opened.kind === 'failed') return opened;
    const left = deadline - Date.now();
    if (left <= 0 || (!deps.hearsFreedSlots && deps.pool.openTo(destination.name) === 0)) return { kind: 'busy' };
    const handed = await deps.pool.waitFor(key, destination.name, left);
    if (handed === null) return { kind: 'busy' };
    if (handed !== 'slot') return { kind: 'session', session: handed, fresh: false };
  }
}

/**
 * A new connection, under the destination's connection limit (a slot held across all workers) and
 * within this worker's share of it (the limit divided among the workers delivering now).
 */
async function newSession(
  deps: SmtpDeps,
  destination: Destination,
  ip: string,
): Promise<{ kind: 'session'; session: SmtpSession } | { kind: 'busy' } | { kind: 'failed'; reply: SmtpReply }> {
  // this worker's share of the destination's connections: beyond it, its deliveries take turns on its
  // own. The connection counts from the check on (no await between), so deliveries starting together
  // cannot all pass it.
  const share = await deps.limits.connectionShare();
  if (deps.pool.openTo(destination.name) >= share) return { kind: 'busy' };
  const connection = deps.pool.connecting(destination.name);
  const lease = await deps.limits.acquireSlot(destination.name).catch((err: unknown) => {
    connection.cancelled();
    throw err;
  });
  if (!lease) {
    connection.cancelled();
    return { kind: 'busy' };
  }
  try {
    const session = await openSession(deps, destination, ip);
    leases.set(session, { destination: destination.name, lease });
    connection.opened(session);
    return { kind: 'session', session };
  } catch (err) {
    await deps.limits.releaseSlot(destination.name, lease);
    connection.failed();
    const reply = err instanceof SessionError ? err.reply : syntheticReply(451, '4.4.1', String(err));
    if (reply.code === 421) await deps.limits.throttled(destination.name);
    return { kind: 'failed', reply };
  }
}

/** Sessions are shared only between identical connections: same address, port, TLS mode and credentials. */
function poolKey(destination: Destination, ip: string): string {
  const credentials = destination.auth ? createHash('sha256').update(`${destination.auth.user}\0${destination.auth.pass}`).digest('hex').slice(0, 16) : '';
  return [ip, destination.port, destination.tls, destination.implicitTls, credentials].join('|');
}

/**
 * One transaction for all recipients; a 452 "too many recipients" for some of them moves those to
 * another transaction on the same session (RFC 5321 §4.5.3.1.10), for as long as each round delivers
 * to at least one. Each transaction gets its own envelope sender (VERP). Mail that needs SMTPUTF8 goes
 * with it, and only to a server that offers it: without it, the recipients that need it are answered
 * at once (5.6.7, 5.6.9) and only the others are sent; BODY=8BITMIME goes with 8-bit content (a
 * UTF-8 header or an 8-bit body) where the server offers 8BITMIME.
 */
async function runTransactions(
  session: SmtpSession,
  envelopeFrom: (recipients: string[]) => string,
  recipients: string[],
  message: MessageContent,
  needs: MessageNeeds,
): Promise<{ replies: Map<string, SmtpReply>; unanswered: boolean }> {
  const replies = session.extensions.has('SMTPUTF8') ? new Map<string, SmtpReply>() : refusedWithoutSmtpUtf8(recipients, needs, session.options.serverName);
  // RFC 6531 §1.2: mail with a UTF-8 header goes with BODY=8BITMIME too (a server offering SMTPUTF8 offers 8BITMIME)
  const eightBitMime = (needs.utf8Headers || needs.eightBitBody) && session.extensions.has('8BITMIME');
  if (!Buffer.isBuffer(message) && !Array.isArray(message)) {
    return runOwnCopies(session, envelopeFrom, recipients.filter((r) => !replies.has(r)), message.perRecipient, needs, eightBitMime, replies);
  }
  let pending = recipients.filter((r) => !replies.has(r));
  let first = true;
  while (pending.length > 0) {
    const result = await session.send(envelopeFrom(pending), pending, message, { smtpUtf8: needsSmtpUtf8(needs, pending), eightBitMime });
    if (result.unanswered && first) return { replies: result.replies, unanswered: true };
    first = false;
    const tooMany = pending.filter((r) => isTooManyRecipients(result.replies.get(r)));
    const progressed = tooMany.length < pending.length && !result.mailReply;
    for (const r of pending) {
      if (!progressed || !tooMany.includes(r)) replies.set(r, result.replies.get(r) as SmtpReply);
    }
    if (tooMany.length === 0 || !progressed || session.broken || !(await session.reset())) break;
    pending = tooMany;
  }
  return { replies, unanswered: false };
}

/**
 * One transaction per recipient, each with that recipient's own copy, one after another on the
 * session (a completed transaction leaves it ready for the next MAIL). A session lost on the way
 * defers the recipients not yet tried: their copies never left.
 */
async function runOwnCopies(
  session: SmtpSession,
  envelopeFrom: (recipients: string[]) => string,
  pending: string[],
  copies: Map<string, Buffer[]>,
  needs: MessageNeeds,
  eightBitMime: boolean,
  replies: Map<string, SmtpReply>,
): Promise<{ replies: Map<string, SmtpReply>; unanswered: boolean }> {
  for (const [i, recipient] of pending.entries()) {
    if (session.broken) {
      replies.set(recipient, syntheticReply(451, '4.4.2', 'the connection was lost before this recipient\'s transaction'));
      continue;
    }
    const copy = copies.get(recipient);
    if (!copy) throw new Error(`no copy of the message for ${recipient}`);
    const result = await session.send(envelopeFrom([recipient]), [recipient], copy, { smtpUtf8: needsSmtpUtf8(needs, [recipient]), eightBitMime });
    if (result.unanswered && i === 0) return { replies: result.replies, unanswered: true };
    replies.set(recipient, result.replies.get(recipient) as SmtpReply);
  }
  return { replies, unanswered: false };
}

/** A copy of the message that stands for all of them in what the server must offer (copies differ only in ASCII header fields). */
function sampleCopy(message: MessageContent): Buffer | Buffer[] {
  if (Buffer.isBuffer(message) || Array.isArray(message)) return message;
  const first = message.perRecipient.values().next();
  return first.done ? [] : first.value;
}

function isTooManyRecipients(reply: SmtpReply | undefined): boolean {
  return !!reply && reply.code === 452 && (reply.enhanced === '4.5.3' || /too many recipients/i.test(reply.text));
}

/** A 421 or a throttling reply backs the destination off for every worker; a delivery resets the backoff. */
async function noteThrottling(limits: DestinationLimits, destination: string, replies: Map<string, SmtpReply>): Promise<void> {
  const all = [...replies.values()];
  const throttling = (r: SmtpReply) => {
    const classification = classifyReply(r);
    return classification.action === 'deferred' && classification.category === 'throttled';
  };
  if (all.some((r) => r.code === 421 || throttling(r))) {
    await limits.throttled(destination);
  } else if (all.some((r) => r.code >= 200 && r.code < 300)) {
    await limits.recovered(destination);
  }
}

/** Opportunistic TLS that fails its handshake is retried once in clear text; required TLS never is. */
async function openSession(deps: SmtpDeps, destination: Destination, ip: string): Promise<SmtpSession> {
  const open = deps.open ?? ((o: SessionOptions) => SmtpSession.open(o));
  const options: SessionOptions = {
    ip,
    port: destination.port,
    serverName: destination.name,
    heloName: deps.heloName,
    implicitTls: destination.implicitTls,
    tls: destination.tls,
    ca: deps.ca,
    auth: destination.auth,
    timeouts: deps.timeouts,
  };
  try {
    return await open(options);
  } catch (err) {
    if (!(err instanceof SessionError) || !err.tlsFailure || destination.tls !== 'opportunistic' || destination.implicitTls) throw err;
    deps.log.warn({ host: destination.name, ip, reason: err.message }, 'STARTTLS failed; retrying in clear text (opportunistic TLS)');
    return open({ ...options, tls: 'none' });
  }
}
