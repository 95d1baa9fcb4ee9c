import { readFileSync } from 'node:fs';
import { allPids, statFields } from '@herald/test/support/proc.ts';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU time (user + system) a process has used so far, in seconds (Linux /proc), or 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : 0;
}

/** Pids of the processes whose command name is `comm` (postgres backends, redis-server). */
export function pidsNamed(comm: string): number[] {
  return allPids().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
    } catch {
      return false; // gone meanwhile
    }
  });
}

export type CpuGroups = Record<string, () => number[]>;

/**
 * CPU seconds used by groups of processes between `start()` and `stop()`: where a phase's CPU went
 * (the API, the workers, Postgres, Redis, the sink, the load generator). Processes that start or end
 * during the phase are counted from when they were first seen; a postgres backend that exits
 * meanwhile loses its share, which is small with pooled connections.
 */
export class CpuMeter {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly groups: CpuGroups) {}

  private sample(): void {
    for (const pids of Object.values(this.groups)) {
      for (const pid of pids()) {
        const used = cpuSecondsOf(pid);
        if (!this.first.has(pid)) this.first.set(pid, used);
        if (used > 0) this.last.set(pid, used);
      }
    }
  }

  start(): this {
    this.first.clear();
    this.last.clear();
    this.sample();
    this.timer = setInterval(() => this.sample(), 500);
    return this;
  }

  /** CPU seconds per group since start(). */
  stop(): Record<string, number> {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const used: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.groups)) {
      used[name] = 0;
      for (const pid of new Set(pids())) used[name] += (this.last.get(pid) ?? 0) - (this.first.get(pid) ?? 0);
    }
    return used;
  }
}
