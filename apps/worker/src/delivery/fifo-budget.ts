/**
 * A budget taken in amounts and given back, served in arrival order: an amount waits while it does not
 * fit, and nothing arriving after it passes it. One amount always goes, however large, when nothing
 * else holds any of the budget. A worker has two: its delivery slots (HERALD_WORKER_CONCURRENCY, one a
 * delivery: delivery-slots.ts) and the bytes of the large messages its deliveries hold
 * (LARGE_CONTENT_BUDGET_BYTES, taken by the load step before it reads one).
 */
export class FifoBudget {
  private used = 0;
  private readonly waiting: { amount: number; resolve: () => void }[] = [];

  constructor(readonly limit: number) {}

  /** Waits until `amount` fits, takes it, and answers the function that gives it back (once). */
  async take(amount: number): Promise<() => void> {
    if (this.waiting.length === 0 && this.fits(amount)) this.used += amount;
    else await new Promise<void>((resolve) => this.waiting.push({ amount, resolve }));
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.used -= amount;
      this.wake();
    };
  }

  /** The amount taken now. */
  get inUse(): number {
    return this.used;
  }

  /** How many are waiting for their amount now. */
  get queued(): number {
    return this.waiting.length;
  }

  private fits(amount: number): boolean {
    return this.used === 0 || this.used + amount <= this.limit;
  }

  private wake(): void {
    for (let next = this.waiting[0]; next && this.fits(next.amount); next = this.waiting[0]) {
      this.waiting.shift();
      this.used += next.amount;
      next.resolve();
    }
  }
}
