import { keyedQuery, prepared, sqlPool } from '@herald/core';
import { CONTINUE, loadedMessage, type Step } from '../attempt.ts';

const RELEASE_SQL = `UPDATE messages SET status = 'queued', updated_at = now() WHERE id = $1 AND status = 'scheduled'`;

/**
 * A scheduled message is sent only from its send_at, and only once this worker has moved it from
 * `scheduled` to `queued`: cancelling does the opposite move the same way, so exactly one wins.
 */
export const release: Step = async (deps, attempt) => {
  const message = loadedMessage(attempt);
  if (message.status !== 'scheduled') return CONTINUE;
  if (message.sendAt && message.sendAt.getTime() > attempt.now.getTime()) return { kind: 'postponed', until: message.sendAt, reason: 'scheduled' };
  const won = await keyedQuery(sqlPool(deps.db), prepared('release-scheduled', RELEASE_SQL, [message.id]));
  return won.rowCount === 0 ? { kind: 'stopped', reason: 'cancelled' } : CONTINUE;
};
