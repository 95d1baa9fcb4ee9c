import { describe, expect, it } from 'vitest';
import { renderMetrics, startMetrics, watchDeliveries } from '@herald/core';
import { FifoBudget } from './fifo-budget.ts';
import { DeliverySlots } from './delivery-slots.ts';

describe("a worker's deliveries in herald_worker_deliveries and herald_worker_large_content_bytes", () => {
  it('counts the deliveries running in a slot, those waiting for one, and the large messages\' bytes they hold, at scrape time', async () => {
    startMetrics({ enabled: true, destinations: 5 });
    const slots = new DeliverySlots(2);
    const budget = new FifoBudget(1_000_000);
    watchDeliveries(() => ({ running: slots.busy, waiting: slots.queued, largeContentBytes: budget.inUse }));

    let finish = () => {};
    const held = new Promise<void>((resolve) => (finish = resolve));
    const work = Array.from({ length: 5 }, () => slots.run(() => held));
    const giveBack = await budget.take(300_000);
    const { body } = await renderMetrics();
    expect(body).toMatch(/^herald_worker_deliveries\{state="running"\} 2$/m);
    expect(body).toMatch(/^herald_worker_deliveries\{state="waiting"\} 3$/m);
    expect(body).toMatch(/^herald_worker_large_content_bytes 300000$/m);

    finish();
    await Promise.all(work);
    giveBack();
    const after = (await renderMetrics()).body;
    expect(after).toMatch(/^herald_worker_deliveries\{state="running"\} 0$/m);
    expect(after).toMatch(/^herald_worker_deliveries\{state="waiting"\} 0$/m);
    expect(after).toMatch(/^herald_worker_large_content_bytes 0$/m);
  });
});
