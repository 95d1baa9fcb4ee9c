import type { Db } from '../db/client.ts';
import { newId } from '../ids.ts';

export type CancelResult = 'cancelled' | 'not_found' | 'already_sending';

/**
 * Cancels a scheduled message. The message's status is the lock: this moves it from `scheduled` to
 * `cancelled` only if nothing has moved it yet, and the worker moves it from `scheduled` to `queued`
 * the same way before it sends, so exactly one of the two wins. The delayed job stays in the queue and
 * finds nothing to do when it runs.
 */
export async function cancelScheduledMessage(db: Db, projectId: string, messageId: string, now = new Date()): Promise<CancelResult> {
  return db.$transaction(async (tx) => {
    const won = await tx.message.updateMany({
      where: { id: messageId, projectId, status: 'scheduled' },
      data: { status: 'cancelled' },
    });
    if (won.count === 0) {
      const exists = await tx.message.count({ where: { id: messageId, projectId } });
      return exists ? 'already_sending' : 'not_found';
    }
    const recipients = await tx.recipient.findMany({ where: { messageId, status: 'queued' }, select: { id: true, email: true } });
    await tx.recipient.updateMany({ where: { messageId, status: 'queued' }, data: { status: 'cancelled', finalAt: now } });
    await tx.event.createMany({
      data: recipients.map((r) => ({
        id: newId('event', now.getTime()),
        projectId,
        messageId,
        recipientId: r.id,
        type: 'cancelled' as const,
        email: r.email,
        createdAt: now,
      })),
    });
    return 'cancelled';
  });
}
