/**
 * When a deferred recipient is tried again: the configured delays in order, the last one repeating,
 * each with ±10% jitter so that a burst of deferrals does not come back as a burst.
 */
export function nextAttemptAt(
  attemptsMade: number,
  schedule: readonly number[],
  now: Date,
  random: () => number = Math.random,
): Date {
  if (schedule.length === 0) throw new Error('the retry schedule is empty');
  const base = schedule[Math.min(Math.max(attemptsMade - 1, 0), schedule.length - 1)] as number;
  const jitter = base * 0.1 * (random() * 2 - 1);
  return new Date(now.getTime() + Math.round(base + jitter));
}

/** A message still deferred after this long fails (4.4.7). */
export function isExpired(createdAt: Date, now: Date, maxAgeMs: number): boolean {
  return now.getTime() - createdAt.getTime() >= maxAgeMs;
}
