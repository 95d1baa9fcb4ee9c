import type { DeliveryJob } from '@herald/core';
import { recordOutcomes } from '../record/record-outcomes.ts';
import type { DeliveryResult } from '../retry/job-result.ts';
import type { Attempt, DeliveryDeps, Step } from './attempt.ts';
import { classifyAttempt } from './classify-attempt.ts';
import { expire } from './steps/expire.ts';
import { load, type LoadedJobs } from './steps/load.ts';
import { release } from './steps/release.ts';
import { route } from './steps/route.ts';
import { send } from './steps/send.ts';
import { sign } from './steps/sign.ts';

export type { DeliveryDeps, DeliverySettings } from './attempt.ts';

/**
 * The delivery pipeline, as named steps. A step that decides every recipient's outcome (a purged
 * message, an expired one, a DNS failure) or postpones the job ends it early; then each recipient's
 * reply is classified into an outcome value and the attempt is recorded.
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
  for (const [name, step] of PIPELINE) {
    if (attempt.outcomes || (name !== 'load' && attempt.recipients.length === 0)) break;
    await step(deps, attempt);
  }
  if (!attempt.message || !attempt.outcomes || attempt.recipients.length === 0) return { retryAt: attempt.notBefore ?? null };
  const results = classifyAttempt(deps, attempt);
  await recordOutcomes(deps.db, attempt.message, attempt.outcomes.info, results, deps.clock(), deps.log);
  const retries = results.flatMap((r) => (r.outcome.kind === 'deferred' ? [r.outcome.retryAt.getTime()] : []));
  deps.log.info(
    { messageId: job.messageId, domain: job.domain, outcomes: results.map((r) => r.outcome.kind), mx: attempt.outcomes.info.mxHost },
    'delivery attempt recorded',
  );
  return { retryAt: retries.length > 0 ? new Date(Math.min(...retries)) : null };
}
