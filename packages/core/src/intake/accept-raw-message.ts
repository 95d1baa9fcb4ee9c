import { HeraldError } from '../errors/registry.ts';
import { domainOf } from './address.ts';
import { requestHash } from './idempotency.ts';
import { commitMessages, type AcceptedMessage, type IntakeDeps, type Sender } from './commit-messages.ts';
import { prepareRawSubmission, type RawSubmission } from './raw-submission.ts';

/**
 * Intake of a message submitted whole (SMTP): prepared from its bytes, then committed exactly as an API
 * message is. X-Herald-Idempotency-Key makes a resubmission answer with the first message. A key limited
 * to some domains may send only with a From header on one of them (or a subdomain), as through the API.
 */
export async function acceptRawMessage(
  deps: IntakeDeps,
  sender: Sender,
  submission: RawSubmission,
  options: { maxMessageBytes: number; keyDomains?: string[] },
): Promise<{ message: AcceptedMessage; replayed: boolean }> {
  const now = deps.now?.() ?? new Date();
  const { draft, idempotencyKey } = prepareRawSubmission(submission, now);
  const fromDomain = domainOf(draft.from.email);
  const keyDomains = options.keyDomains ?? [];
  if (keyDomains.length && !keyDomains.some((d) => fromDomain === d || fromDomain.endsWith(`.${d}`))) {
    const message = `this key is limited to ${keyDomains.join(', ')}; it cannot send from ${fromDomain}`;
    throw new HeraldError('insufficient_scope', `header.from: ${message}`, [{ field: 'header.from', message }]);
  }
  const hash = requestHash({ recipients: submission.recipients, raw: submission.raw.toString('base64') });
  const result = await commitMessages({ ...deps, now: () => now }, sender, [draft], {
    maxMessageBytes: options.maxMessageBytes,
    fieldPrefix: () => 'header.',
    idempotency: idempotencyKey ? { key: idempotencyKey, hash, batch: false } : undefined,
    source: 'smtp',
  });
  return { message: result.messages[0] as AcceptedMessage, replayed: result.replayed };
}
