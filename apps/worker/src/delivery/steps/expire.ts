import { syntheticReply } from '@herald/core';
import { isExpired } from '../../retry/schedule.ts';
import { CONTINUE, decideAll, loadedMessage, type Step } from '../attempt.ts';

/** Past the maximum age (from send_at for a scheduled message), a recipient still not delivered fails with 4.4.7. */
export const expire: Step = async (deps, attempt) => {
  const message = loadedMessage(attempt);
  if (isExpired(message.sendAt ?? message.createdAt, attempt.now, deps.settings.maxMessageAgeMs)) {
    return decideAll(attempt, syntheticReply(451, '4.4.7', 'message expired: not delivered within the maximum age'), { final: true });
  }
  return CONTINUE;
};
