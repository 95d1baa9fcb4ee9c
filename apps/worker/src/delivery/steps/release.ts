import { postpone, type Step } from '../attempt.ts';

/**
 * A scheduled message is sent only from its send_at, and only once this worker has moved it from
 * `scheduled` to `queued`: cancelling does the opposite move the same way, so exactly one wins.
 */
export const release: Step = async (deps, attempt) => {
  const message = attempt.message;
  if (!message || message.status !== 'scheduled') return;
  if (message.sendAt && message.sendAt.getTime() > attempt.now.getTime()) return postpone(attempt, message.sendAt);
  const won = await deps.db.message.updateMany({ where: { id: message.id, status: 'scheduled' }, data: { status: 'queued' } });
  if (won.count === 0) attempt.recipients = []; // cancelled meanwhile
};
