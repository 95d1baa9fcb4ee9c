import { classifyReply } from '../classify/classify-reply.ts';
import type { RecipientAttempt } from '../record/record-outcomes.ts';
import { nextAttemptAt } from '../retry/schedule.ts';
import type { Attempt, Decision, DeliveryDeps } from './attempt.ts';
import type { RecipientOutcome } from './outcome.ts';

/** Each recipient's reply becomes its outcome value; a deferral gets its next attempt time. */
export function classifyAttempt(deps: DeliveryDeps, attempt: Attempt): RecipientAttempt[] {
  const decisions = attempt.outcomes?.decisions ?? new Map<string, Decision>();
  return attempt.recipients.map((recipient) => {
    const decision = decisions.get(recipient.id);
    if (!decision) throw new Error(`no outcome for recipient ${recipient.id}`);
    const { reply } = decision;
    const { action, category } = classifyReply(reply);
    let outcome: RecipientOutcome;
    if (decision.forceFail) outcome = { kind: 'failed', reply, category: reply.enhanced === '4.4.7' ? 'expired' : category };
    else if (action === 'delivered') outcome = decision.complained ? { kind: 'complained', reply } : { kind: 'delivered', reply };
    else if (action === 'bounced') outcome = { kind: 'bounced', reply, category };
    else {
      const retryAt = nextAttemptAt(recipient.attempts + 1, deps.settings.retrySchedule, attempt.now, deps.random);
      outcome = { kind: 'deferred', reply, category, retryAt };
    }
    return { recipient, outcome };
  });
}
