import type { BounceCategory } from './outcome.ts';
import type { SmtpReply } from './smtp-reply.ts';
import { BOUNCE_RULES, ENHANCED_CATEGORIES } from './bounce-rules.ts';

export type Classification = { action: 'delivered' } | { action: 'deferred' | 'bounced'; category: BounceCategory };

/**
 * Reply → action. A 2xx is delivered. Otherwise the reply class decides between deferred (4xx) and
 * bounced (5xx) — a rule may only soften a 5xx to deferred, never harden a 4xx — and the rule table or
 * the enhanced code names the category.
 */
export function classifyReply(reply: SmtpReply): Classification {
  if (reply.code >= 200 && reply.code < 300) return { action: 'delivered' };
  const permanent = reply.code >= 500 && reply.code < 600;
  const rule = BOUNCE_RULES.find((r) => r.pattern.test(reply.text));
  if (rule) {
    const action = permanent ? rule.action : 'deferred';
    return { action, category: rule.category };
  }
  const category = (reply.enhanced && ENHANCED_CATEGORIES.find(([re]) => re.test(reply.enhanced as string))?.[1]) || 'other';
  return { action: permanent ? 'bounced' : 'deferred', category };
}
