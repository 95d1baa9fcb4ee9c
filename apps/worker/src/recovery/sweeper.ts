import type { RedisClient } from '@herald/core';
import { randomUUID } from 'node:crypto';
import { sweepOrphans, type SweepDeps } from './sweep.ts';

export interface SweeperOptions {
  redis: RedisClient;
  prefix: string;
  intervalMs: number;
  graceMs: number;
  /** Run after each sweep: puts back what else a Redis flush removed (the maintenance schedule). */
  afterSweep?: () => Promise<void>;
}

/**
 * Runs the sweep every `intervalMs` on a plain timer (not a BullMQ schedule, which a Redis flush would
 * erase). Every worker runs the timer; a short Redis lock lets one of them sweep per interval.
 */
export function startSweeper(deps: SweepDeps, options: SweeperOptions): { stop(): Promise<void> } {
  const lockKey = `${options.prefix}:sweeper-lock`;
  const me = randomUUID();
  let running: Promise<void> | null = null;
  let stopped = false;

  const tick = async () => {
    const won = await options.redis.set(lockKey, me, 'PX', Math.max(1_000, options.intervalMs - 500), 'NX');
    if (won === 'OK') await sweepOrphans(deps, { graceMs: options.graceMs });
    await options.afterSweep?.();
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = tick()
      .catch((err: unknown) => deps.log.error({ err }, 'sweep failed'))
      .finally(() => (running = null));
  }, options.intervalMs);

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
