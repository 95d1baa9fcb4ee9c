import { isExpired } from '../../retry/schedule.ts';
import { syntheticReply } from '../outcome.ts';
import { decideAll, type Step } from '../attempt.ts';

/** Past the maximum age (from send_at for a scheduled message), a recipient still not delivered fails with 4.4.7. */
export const expire: Step = async (deps, attempt) => {
  const message = attempt.message;
  if (message && isExpired(message.sendAt ?? message.createdAt, attempt.now, deps.settings.maxMessageAgeMs)) {
    decideAll(attempt, syntheticReply(451, '4.4.7', 'message expired: not delivered within the maximum age'), true);
  }
};
