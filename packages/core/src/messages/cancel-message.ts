import type { Db } from '../db/client.ts';
import { HeraldError } from '../errors/registry.ts';
import { eventId } from '../ids.ts';
import { webhookDeliveries } from '../webhooks/fan-out.ts';
import { activeEndpoints } from '../webhooks/queries.ts';

export type CancelResult =
  | { outcome: 'cancelled' }
  | { outcome: 'not_found' }
  /** Not (or no longer) scheduled: its status says why. */
  | { outcome: 'not_scheduled'; status: string };

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
      const current = await tx.message.findFirst({ where: { id: messageId, projectId }, select: { status: true } });
      return current ? { outcome: 'not_scheduled', status: current.status } : { outcome: 'not_found' };
    }
    const recipients = await tx.recipient.findMany({ where: { messageId, status: 'queued' }, select: { id: true, email: true } });
    await tx.recipient.updateMany({ where: { messageId, status: 'queued' }, data: { status: 'cancelled', finalAt: now } });
    const message = await tx.message.findUniqueOrThrow({ where: { id: messageId }, select: { tags: true, metadata: true } });
    const events = await tx.event.createManyAndReturn({
      data: recipients.map((r) => ({
        id: eventId({ messageId, dedupeKey: null }, now.getTime()),
        projectId,
        messageId,
        recipientId: r.id,
        type: 'cancelled' as const,
        email: r.email,
        createdAt: now,
      })),
    });
    const deliveries = webhookDeliveries(await activeEndpoints(tx, projectId), projectId, events, message);
    if (deliveries.length) await tx.webhookDelivery.createMany({ data: deliveries });
    return { outcome: 'cancelled' };
  });
}

/**
 * cancelScheduledMessage for a front end: a message of another project or none at all is 404
 * not_found; one that is not (or no longer) scheduled is 409 conflict, saying why.
 */
export async function cancelOrRefuse(db: Db, projectId: string, messageId: string): Promise<void> {
  const result = await cancelScheduledMessage(db, projectId, messageId);
  if (result.outcome === 'not_found') throw new HeraldError('not_found', `no message ${messageId}`);
  if (result.outcome === 'not_scheduled') {
    const why = result.status === 'cancelled' ? 'it is already cancelled' : `it is ${result.status}, not scheduled`;
    throw new HeraldError('conflict', `message ${messageId} cannot be cancelled: ${why}`, { status: result.status });
  }
}
