import type { MessageStatus, RecipientStatus } from '../generated/prisma/enums.ts';

const FINAL: ReadonlySet<RecipientStatus> = new Set(['delivered', 'bounced', 'failed', 'suppressed', 'complained', 'cancelled']);

export function isFinalRecipientStatus(status: RecipientStatus): boolean {
  return FINAL.has(status);
}

/**
 * A message's status summarises its recipients': while any recipient is still to be delivered the
 * message is queued (no attempt yet) or deferred (retrying); once all are final it is delivered,
 * partially_delivered, bounced, failed, suppressed or cancelled.
 */
export function aggregateMessageStatus(statuses: readonly RecipientStatus[]): MessageStatus {
  if (statuses.length === 0) return 'queued';
  const first = statuses[0] as RecipientStatus;
  if (statuses.every((s) => s === first)) return first === 'complained' ? 'delivered' : first;
  if (statuses.some((s) => s === 'deferred')) return 'deferred';
  if (statuses.some((s) => s === 'queued')) return 'sending';
  if (statuses.some((s) => s === 'delivered' || s === 'complained')) return 'partially_delivered';
  if (statuses.some((s) => s === 'bounced')) return 'bounced';
  if (statuses.some((s) => s === 'failed')) return 'failed';
  return 'suppressed';
}
