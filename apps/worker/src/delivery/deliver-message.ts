import { outcomeOf, recordOutcomes, type DeliveryJob, type RecipientAttempt } from '@herald/core';
import type { DeliveryResult } from '../retry/job-result.ts';
import { nextAttemptAt } from '../retry/schedule.ts';
import type { Attempt, DeliveryDeps, Step, StepResult } from './attempt.ts';
import { expire } from './steps/expire.ts';
import { load, type LoadedJobs } from './steps/load.ts';
import { release } from './steps/release.ts';
import { route } from './steps/route.ts';
import { send } from './steps/send.ts';
import { sign } from './steps/sign.ts';

export type { DeliveryDeps, DeliverySettings } from './attempt.ts';

/**
 * The delivery pipeline, as named steps. Each step answers how to go on: continue; decided (every
 * recipient has its outcome for this attempt: a purged message, an expired one, a DNS failure, or the
 * server's replies); postponed (not now, no attempt recorded); or stopped (nothing to deliver). A
 * decided attempt's replies are classified into outcome values and recorded.
 */
export const PIPELINE: [name: string, step: Step][] = [
  ['load', load],
  ['release', release],
  ['expire', expire],
  ['sign', sign],
  ['route', route],
  ['send', send],
];

export async function deliverMessage(deps: DeliveryDeps, job: DeliveryJob, loaded?: LoadedJobs): Promise<DeliveryResult> {
  const attempt: Attempt = { job, now: deps.clock(), loaded, recipients: [] };
  try {
    const result = await runPipeline(deps, attempt);
    switch (result.kind) {
      case 'stopped':
        return { retryAt: null };
      case 'postponed':
        deps.log.info({ messageId: job.messageId, domain: job.domain, until: result.until, reason: result.reason }, 'delivery postponed');
        return { retryAt: result.until };
      case 'decided':
        return await record(deps, attempt, result);
    }
    throw new Error('the delivery pipeline ended without deciding');
  } finally {
    // a large message's bytes count against the content budget until its delivery has ended
    attempt.giveBackContent?.();
  }
}

async function runPipeline(deps: DeliveryDeps, attempt: Attempt): Promise<StepResult> {
  for (const [, step] of PIPELINE) {
    const result = await step(deps, attempt);
    if (result.kind !== 'continue') return result;
  }
  return { kind: 'continue' };
}

/** Each recipient's decision becomes its outcome (a deferral gets its next attempt time); the attempt is written; the job comes back at the earliest retry. */
async function record(deps: DeliveryDeps, attempt: Attempt, decided: Extract<StepResult, { kind: 'decided' }>): Promise<DeliveryResult> {
  const message = attempt.message;
  if (!message) throw new Error('a delivery was decided before its message was loaded');
  const results: RecipientAttempt[] = attempt.recipients.map((recipient) => {
    const decision = decided.decisions.get(recipient.id);
    if (!decision) throw new Error(`no outcome for recipient ${recipient.id}`);
    const retryAt = () => nextAttemptAt(recipient.attempts + 1, deps.settings.retrySchedule, attempt.now, deps.random);
    return { recipient, outcome: outcomeOf(decision, retryAt) };
  });
  await recordOutcomes(deps.store, { message, attempt: { ...decided.info, dkim: attempt.signedWith }, results, now: deps.clock() });
  const retries = results.flatMap((r) => (r.outcome.kind === 'deferred' ? [r.outcome.retryAt.getTime()] : []));
  deps.log.info(
    { messageId: attempt.job.messageId, domain: attempt.job.domain, outcomes: results.map((r) => r.outcome.kind), mx: decided.info.mxHost },
    'delivery attempt recorded',
  );
  return { retryAt: retries.length > 0 ? new Date(Math.min(...retries)) : null };
}
