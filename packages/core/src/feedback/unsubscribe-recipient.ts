import type { Store } from '../db/store.ts';
import { newId } from '../ids.ts';
import { issuedRecipient } from './issued-delivery.ts';
import { eventRow, type NewReport } from '../outcomes/write-outcomes.ts';

/** How a recipient asked to stop: the one-click URL (RFC 8058) or mail to the unsubscribe mailbox (RFC 2369). */
export type UnsubscribeMethod = 'one-click' | 'mailto';

export type UnsubscribeResult = { ok: true; email: string; projectId: string; messageId: string } | { ok: false; reason: 'unknown_recipient' };

/**
 * The recipient of a signed unsubscribe token stops receiving the project's mail: the `unsubscribe`
 * suppression for that project and address, an `unsubscribed` event on the message (and its webhook),
 * in one write. Idempotent: a second click, or the mailto after the URL, changes nothing and adds no
 * event (both are keyed by the recipient). A mailto's notification is kept as a report.
 */
export async function unsubscribeRecipient(
  store: Store,
  recipientId: string,
  method: UnsubscribeMethod,
  options: { now?: Date; report?: Omit<NewReport, 'project_id' | 'message_id'> } = {},
): Promise<UnsubscribeResult> {
  const now = options.now ?? new Date();
  const recipient = await store.db.recipient.findFirst({
    where: issuedRecipient(recipientId),
    select: { id: true, email: true, projectId: true, message: { select: { id: true, tags: true, metadata: true } } },
  });
  if (!recipient) return { ok: false, reason: 'unknown_recipient' };
  const { message, projectId } = recipient;
  await store.outcomes.write({
    message: { id: message.id, projectId, tags: message.tags, metadata: message.metadata },
    recipients: [],
    suppressions: [
      { id: newId('suppression', now.getTime()), project_id: projectId, email: recipient.email.toLowerCase(), reason: 'unsubscribe', source_message_id: message.id, created_at: now },
    ],
    events: [
      eventRow({
        project_id: projectId, message_id: message.id, recipient_id: recipient.id, type: 'unsubscribed', email: recipient.email,
        dedupe_key: `unsubscribed:${recipient.id}`, data: { method, ...(options.report ? { report_id: options.report.id } : {}) }, created_at: now,
      }),
    ],
    ...(options.report ? { report: { ...options.report, project_id: projectId, message_id: message.id } } : {}),
  });
  return { ok: true, email: recipient.email, projectId, messageId: message.id };
}
