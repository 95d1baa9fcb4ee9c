/**
 * The bytes of large messages (those read on their own, not with their batch) one worker process
 * holds at once. HERALD_WORKER_CONCURRENCY bounds how many deliveries run, not how much they hold: a
 * newsletter with a 10 MB attachment would otherwise put concurrency × 10 MB in memory. A delivery
 * takes its message's size before reading it and gives it back when it ends; while the budget is
 * spent, the next large message waits (in arrival order) without reading anything. One message always
 * goes, however large, when no other holds any of the budget.
 */
export class ContentBudget {
  private used = 0;
  private readonly waiting: { bytes: number; resolve: () => void }[] = [];

  constructor(readonly limit: number) {}

  /** Waits until `bytes` fit, takes them, and answers the function that gives them back (once). */
  async take(bytes: number): Promise<() => void> {
    if (this.waiting.length === 0 && this.fits(bytes)) this.used += bytes;
    else await new Promise<void>((resolve) => this.waiting.push({ bytes, resolve }));
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.used -= bytes;
      this.wake();
    };
  }

  /** Bytes taken now. */
  get inUse(): number {
    return this.used;
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.limit;
  }

  private wake(): void {
    for (let next = this.waiting[0]; next && this.fits(next.bytes); next = this.waiting[0]) {
      this.waiting.shift();
      this.used += next.bytes;
      next.resolve();
    }
  }
}

/** What a worker's large messages may hold at once (see ContentBudget). */
export const LARGE_CONTENT_BUDGET_BYTES = 128 * 1024 * 1024;
