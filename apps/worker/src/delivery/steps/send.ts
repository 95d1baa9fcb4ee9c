import { claimSending, releaseSending, returnPathFor, syntheticReply, type Decision } from '@herald/core';
import { simulateDelivery } from '../../routing/test-route.ts';
import { BUSY_WAIT_MS, deliverToDestinations, type MessageContent, type SmtpDeps } from '../../smtp/deliver-to-destinations.ts';
import { loadedMessage, type Step } from '../attempt.ts';

/**
 * One attempt for every pending recipient: simulated in test mode, else one SMTP transaction (split on
 * 452) with the first destination that gives a session. The envelope sender is a return path on the
 * return-path domain that says whose bounce it is (VERP, signed: packages/core/src/feedback/return-path.ts): the recipient's id when the transaction has
 * one recipient, the message's id when it has several (then the bounce's Final-Recipient tells which).
 */
export const send: Step = async (deps, attempt) => {
  const message = loadedMessage(attempt);
  const route = attempt.route;
  const content: MessageContent | undefined = attempt.signedPerRecipient ? { perRecipient: attempt.signedPerRecipient } : attempt.signed;
  if (!route || !content) throw new Error('send ran before the message was signed and routed');

  // until this attempt cannot be running any more, no other attempt may send to its recipients: it
  // sends only to those it claims (another job for the same delivery may have claimed the rest)
  const transactions = attempt.signedPerRecipient ? attempt.recipients.length : 1;
  const destinations = route.kind === 'test' ? 0 : route.destinations.length;
  const sendingUntil = new Date(deps.clock().getTime() + attemptBoundMs(deps.smtp.timeouts, destinations, attempt.recipients.length, transactions));
  const claimed = new Set(await claimSending(deps.store, attempt.recipients.map((r) => r.id), sendingUntil, deps.clock()));
  if (claimed.size < attempt.recipients.length) {
    deps.log.info({ messageId: message.id, domain: attempt.job.domain, claimed: claimed.size, pending: attempt.recipients.length }, 'recipients claimed by another attempt are left to it');
    attempt.recipients = attempt.recipients.filter((r) => claimed.has(r.id));
    if (attempt.recipients.length === 0) return { kind: 'stopped', reason: 'claimed-elsewhere' };
  }
  if (route.kind === 'test') {
    return { kind: 'decided', info: { mxHost: null, mxIp: null, tls: null, durationMs: 0 }, decisions: simulateDelivery(attempt.recipients) };
  }
  const idOf = new Map(attempt.recipients.map((r) => [r.email, r.id]));
  const envelopeFrom = (emails: string[]) =>
    returnPathFor(deps.masterKey, { messageId: message.id, recipientIds: emails.map((e) => idOf.get(e) as string) }, message.returnPathDomain);

  const deliver = deps.deliver ?? deliverToDestinations;
  const result = await deliver(
    deps.smtp,
    route.destinations,
    envelopeFrom,
    attempt.recipients.map((r) => r.email),
    content,
  );
  if (result.kind === 'postponed') {
    // nothing was sent: the attempt that comes back for them claims them again
    await releaseSending(deps.db, [...claimed], sendingUntil);
    return { kind: 'postponed', until: result.until, reason: result.reason };
  }
  const decisions = new Map<string, Decision>();
  for (const r of attempt.recipients) {
    const reply =
      result.kind === 'replies'
        ? (result.replies.get(r.email) ?? syntheticReply(451, '4.4.0', 'the server gave no reply for this recipient'))
        : result.reply;
    decisions.set(r.id, { reply });
  }
  return {
    kind: 'decided',
    info: { mxHost: result.host, mxIp: result.ip, tls: result.kind === 'replies' ? result.tls : null, durationMs: result.durationMs },
    decisions,
  };
};

/**
 * The longest one attempt can take under the SMTP timeouts: every destination tried (each after
 * waiting for a connection under its limit), every command slow, each transaction's DATA slow.
 */
export function attemptBoundMs(t: SmtpDeps['timeouts'], destinations: number, recipients: number, transactions = 1): number {
  return Math.max(1, destinations) * (BUSY_WAIT_MS + t.connectMs + t.greetingMs + t.commandMs * (5 * transactions + recipients)) + t.dataMs * transactions;
}
