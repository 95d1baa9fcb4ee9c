import { describe, expect, it } from 'vitest';
import { isExpired, nextAttemptAt } from './schedule.ts';

const MINUTE = 60_000;
const SCHEDULE = [1 * MINUTE, 5 * MINUTE, 30 * MINUTE, 120 * MINUTE];
const NOW = new Date('2025-03-04T10:00:00.000Z');
/** A `random` of 0.5 means no jitter. */
const noJitter = () => 0.5;

function delayOf(attemptsMade: number, random: () => number = noJitter, schedule: readonly number[] = SCHEDULE): number {
  return nextAttemptAt(attemptsMade, schedule, NOW, random).getTime() - NOW.getTime();
}

describe('nextAttemptAt', () => {
  it('follows the schedule, one delay per attempt made', () => {
    expect([1, 2, 3, 4].map((n) => delayOf(n))).toEqual(SCHEDULE);
  });

  it('repeats the last delay once the schedule is used up', () => {
    expect([5, 6, 50].map((n) => delayOf(n))).toEqual([120 * MINUTE, 120 * MINUTE, 120 * MINUTE]);
  });

  it('uses the first delay when no attempt has been made yet', () => {
    expect(delayOf(0)).toBe(1 * MINUTE);
  });

  it('keeps the jitter within ±10% of the scheduled delay, reaching both ends', () => {
    expect(delayOf(2, () => 0)).toBe(4.5 * MINUTE);
    expect(delayOf(2, () => 1)).toBe(5.5 * MINUTE);
    for (let i = 0; i <= 100; i++) {
      const delay = delayOf(3, () => i / 100);
      expect(delay).toBeGreaterThanOrEqual(27 * MINUTE);
      expect(delay).toBeLessThanOrEqual(33 * MINUTE);
    }
  });

  it('spreads a burst of deferrals over different times', () => {
    const times = new Set([0, 0.25, 0.75, 0.99].map((r) => delayOf(1, () => r)));

    expect(times.size).toBe(4);
  });

  it('returns whole milliseconds', () => {
    expect(Number.isInteger(delayOf(1, () => 0.123456789, [1_001]))).toBe(true);
  });

  it('refuses an empty schedule', () => {
    expect(() => nextAttemptAt(1, [], NOW)).toThrow(/retry schedule is empty/);
  });
});

describe('isExpired', () => {
  const created = new Date('2025-03-01T00:00:00.000Z');
  const maxAge = 3 * 24 * 60 * MINUTE;

  it('is not expired one millisecond before the maximum age', () => {
    expect(isExpired(created, new Date(created.getTime() + maxAge - 1), maxAge)).toBe(false);
  });

  it('is expired exactly at the maximum age and after it', () => {
    expect(isExpired(created, new Date(created.getTime() + maxAge), maxAge)).toBe(true);
    expect(isExpired(created, new Date(created.getTime() + maxAge + 1), maxAge)).toBe(true);
  });

  it('is not expired for a message created just now', () => {
    expect(isExpired(created, created, maxAge)).toBe(false);
  });
});
