import { classifyReply } from './classify-reply.ts';
import type { BounceCategory, RecipientOutcome } from './outcome.ts';
import type { SmtpReply } from './smtp-reply.ts';

/**
 * What an attempt found for one recipient, before it is classified: the reply (a server's, or a
 * synthetic one), and what the step that decided knows better than the reply's text could tell.
 */
export interface Decision {
  reply: SmtpReply;
  /** Final whatever the reply says (the message expired, its content was purged). */
  final?: boolean;
  /** The category, when the deciding step knows it (a DNS failure is `dns`, whatever its enhanced code suggests). */
  category?: BounceCategory;
  /** Test mode: delivered, then a complaint. */
  complained?: boolean;
}

/**
 * A decision as an outcome value: the reply's class decides delivered, deferred or bounced (the rule
 * table may only soften a 5xx), the deciding step's category wins over the classifier's, and a final
 * decision fails the recipient (4.4.7: `expired`). `retryAt` is asked only for a deferral.
 */
export function outcomeOf(decision: Decision, retryAt: () => Date): RecipientOutcome {
  const { reply } = decision;
  const classification = classifyReply(reply);
  if (decision.final) {
    const category = reply.enhanced === '4.4.7' ? 'expired' : (decision.category ?? (classification.action === 'delivered' ? 'other' : classification.category));
    return { kind: 'failed', reply, category };
  }
  if (classification.action === 'delivered') return decision.complained ? { kind: 'complained', reply } : { kind: 'delivered', reply };
  const category = decision.category ?? classification.category;
  if (classification.action === 'bounced') return { kind: 'bounced', reply, category };
  return { kind: 'deferred', reply, category, retryAt: retryAt() };
}
