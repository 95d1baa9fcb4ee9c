import { FifoBudget } from './fifo-budget.ts';

/**
 * How many deliveries a worker process runs at once (HERALD_WORKER_CONCURRENCY), whether they come
 * one per job or many per batch job: a delivery takes a slot before its pipeline runs and gives it
 * back after; the rest wait in arrival order.
 */
export class DeliverySlots {
  private readonly slots: FifoBudget;

  constructor(size: number) {
    this.slots = new FifoBudget(size);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const giveBack = await this.slots.take(1);
    try {
      return await work();
    } finally {
      giveBack();
    }
  }

  /** Deliveries running now. */
  get busy(): number {
    return this.slots.inUse;
  }

  /** Deliveries waiting for a slot now. */
  get queued(): number {
    return this.slots.queued;
  }
}
