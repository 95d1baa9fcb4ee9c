import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedIds, startFaultStack, type FaultStack } from '../support/fault-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CONCURRENCY = 5;

/** SIGTERM is how every supervisor stops a process: nothing in flight may be lost or cut off. */
describe('fault: SIGTERM under load', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    // a slow MX (300 ms before each 250): at any moment some transactions are in flight
    stack = await startFaultStack('term', {
      env: { HERALD_WORKER_CONCURRENCY: CONCURRENCY },
      sink: { data: () => sleep(300).then(() => undefined) },
    });
  }, 120_000);
  afterAll(() => stack?.teardown());

  it('a worker finishes its SMTP sessions in flight, starts no new job, exits 0; another worker delivers the rest exactly once', async () => {
    const ids = acceptedIds(await stack.sendMany(100, { parallel: 10 }));
    expect(ids).toHaveLength(100);
    await waitFor('some mail to arrive', () => stack.sink.received.length >= 10, 30_000);

    const signalled = Date.now();
    const code = await stack.worker.stop('SIGTERM');
    const elapsedMs = Date.now() - signalled;
    expect(code).toBe(0);
    expect(elapsedMs).toBeLessThan(20_000);
    expect(stack.worker.output()).toContain('shut down cleanly');

    // at most the jobs it was running went on to a transaction after the signal
    const after = stack.sink.transactionsStarted.filter((t) => t > signalled + 50).length;
    expect(after).toBeLessThanOrEqual(CONCURRENCY);
    // and everything it handed to the MX, it recorded
    const receivedIds = ids.filter((id) => stack.receivedCopies(id).length > 0);
    const recorded = await stack.query<{ id: string }>("SELECT id FROM messages WHERE id = ANY($1) AND status = 'delivered'", [receivedIds]);
    expect(recorded.map((r) => r.id).sort()).toEqual([...receivedIds].sort());
    expect(receivedIds.length).toBeLessThan(100);

    await stack.start('worker');
    const report = await stack.settle(ids, 60_000);
    expect(new Set(report.statuses.values())).toEqual(new Set(['delivered']));
    expect(report.wrongDeliveredEvents).toEqual([]);
    expect(report.duplicates).toBe(0);
    expect(report.neverReceived).toEqual([]);
  });

  it('the API answers the requests it has taken before it exits 0, and stores nothing it did not answer 202', async () => {
    const subject = `drain ${Date.now()}`;
    const sending = stack.sendMany(40, {
      parallel: 20,
      body: (i) => ({ from: `fault@${stack.senderDomain}`, to: `d${i}@${stack.recipientDomain}`, subject, text: `drain ${i}` }),
    });
    await sleep(100);
    const code = await stack.api.stop('SIGTERM');
    const outcomes = await sending;
    if (code !== 0) console.log(stack.api.output().split('\n').filter((l) => !l.includes('incoming request') && !l.includes('request completed')).slice(-15).join('\n'), outcomes.map((o) => o.status).join(','));
    expect(code).toBe(0);
    expect(stack.api.output()).toContain('shut down cleanly');

    const accepted = acceptedIds(outcomes);
    expect(accepted.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.status !== 202 && o.status !== 503 && o.status !== 0)).toEqual([]);
    const stored = await stack.query<{ id: string }>('SELECT id FROM messages WHERE subject = $1', [subject]);
    expect(stored.map((r) => r.id).sort()).toEqual([...accepted].sort());
  });
});
