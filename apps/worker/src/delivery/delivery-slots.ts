/**
 * How many deliveries a worker process runs at once (HERALD_WORKER_CONCURRENCY), whether they come
 * one per job or many per batch job: a delivery takes a slot before its pipeline runs and gives it
 * back after; the rest wait in arrival order.
 */
export class DeliverySlots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.used >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.used--;
    }
  }

  /** Deliveries running now. */
  get busy(): number {
    return this.used;
  }

  /** Deliveries waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }
}
