import { createLogger, type EnqueuedDelivery, type IntakeDeps, type Principal, type Store } from '@herald/core';

/** Intake with generous limits, no daily quota, and the enqueued deliveries captured in `jobs`. */
export function testIntake(store: Store, options: { now?: () => Date; jobs?: EnqueuedDelivery[] } = {}): IntakeDeps & { jobs: EnqueuedDelivery[] } {
  const jobs = options.jobs ?? [];
  return {
    store,
    enqueue: async (batch) => void jobs.push(...batch),
    settings: { maxMessageBytes: 30 * 1024 * 1024, maxRecipients: 50, dailyQuota: 0 },
    log: createLogger('test-intake', 'silent'),
    now: options.now,
    jobs,
  };
}

/** A project's sender as a full-access key without a key row (messages keep no api_key_id). */
export function testPrincipal(projectId: string, options: { test?: boolean } = {}): Principal {
  return { projectId, apiKeyId: null, scopes: ['messages:send'], domains: [], dailyQuota: null, test: options.test ?? false };
}
