import { readFileSync } from 'node:fs';

/** Resident set size of a process, in bytes (Linux /proc), or 0 once it is gone. */
export function rssOf(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the RSS of named processes every `everyMs`; peaks and all samples per name. */
export class RssSampler {
  private readonly samples = new Map<string, number[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pids: () => Record<string, number[]>, private readonly everyMs = 100) {}

  start(): this {
    this.timer = setInterval(() => this.sample(), this.everyMs);
    return this;
  }

  sample(): void {
    for (const [name, pids] of Object.entries(this.pids())) {
      // a role's RSS is its largest process's (several workers are each their own process)
      const value = Math.max(0, ...pids.map(rssOf));
      if (!this.samples.has(name)) this.samples.set(name, []);
      this.samples.get(name)?.push(value);
    }
  }

  /** Forgets what was sampled so far (a phase of its own starts). */
  reset(): void {
    this.samples.clear();
  }

  peak(name: string): number {
    return Math.max(0, ...(this.samples.get(name) ?? []));
  }

  /** The median sample: what the process holds in steady state. */
  median(name: string): number {
    const sorted = [...(this.samples.get(name) ?? [])].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
