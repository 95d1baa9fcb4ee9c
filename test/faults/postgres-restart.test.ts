import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedIds, startFaultStack, type FaultStack } from '../support/fault-stack.ts';
import type { ReceivedMessage } from '../support/mx-sink.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const idOf = (m: ReceivedMessage) => /^Message-ID: <(msg_[0-9A-Za-z]+)@/im.exec(m.raw.toString('latin1'))?.[1] ?? '';

/**
 * Postgres restarts in the middle of a run of 200 messages, at the worst moment: the MX has just been
 * handed a message and answers 250 only once Postgres is down, so the worker cannot write the delivery.
 */
describe('fault: Postgres restarts mid-run, right after a remote 250', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack('pg', { workers: 2 });
  }, 120_000);
  afterAll(() => stack?.teardown());

  it('retries the write instead of sending again, answers 503 with Retry-After and fails /readyz while down, and loses nothing', async () => {
    let dataCount = 0;
    let exposed = '';
    let duringOutage: Promise<{ send: number; retryAfter: string | null; ready: number; checks: Record<string, string> }> | null = null;
    stack.sink.behaviour = {
      data: async (message) => {
        if (++dataCount !== 20) return sleep(10).then(() => undefined);
        exposed = idOf(message);
        await stack.postgres.stop(); // the 250 waits until every connection is cut
        duringOutage = (async () => {
          const send = await stack.send({ from: `fault@${stack.senderDomain}`, to: `x@${stack.recipientDomain}`, subject: 'during the outage', text: 'x' });
          const ready = await fetch(`${stack.apiUrl}/readyz`);
          const checks = ((await ready.json()) as { checks: Record<string, string> }).checks;
          await sleep(3_000);
          await stack.postgres.start();
          return { send: send.status, retryAfter: send.headers.get('retry-after'), ready: ready.status, checks };
        })();
        return undefined; // 250: the message is now the MX's, and Postgres is gone
      },
    };

    // a careful client: an Idempotency-Key on each message, and another try after a 503
    const outcomes = await stack.sendMany(200, { parallel: 8, retry: true });
    const outage = await (duringOutage as unknown as Promise<{ send: number; retryAfter: string | null; ready: number; checks: Record<string, string> }>);
    expect(outage.send).toBe(503);
    expect(Number(outage.retryAfter)).toBeGreaterThan(0);
    expect(outage.ready).toBe(503);
    expect(outage.checks.postgres).not.toBe('ok');

    // refused during the outage, accepted once Postgres was back: every message once, every 202 stored
    const ids = acceptedIds(outcomes);
    expect(outcomes.filter((o) => o.status !== 202)).toEqual([]);
    expect(new Set(ids).size).toBe(200);
    const report = await stack.settle(ids, 120_000);
    // on a failure, what the workers warned about is the first thing to read
    if (report.duplicates > 0) console.log(stack.workers.map((w) => w.output()).join('').split('\n').filter((l) => /"level":[45]0/.test(l)).join('\n'));
    expect(report.missing).toEqual([]);
    expect(new Set(report.statuses.values())).toEqual(new Set(['delivered']));
    expect(report.wrongDeliveredEvents).toEqual([]);
    expect(report.neverReceived).toEqual([]);
    expect(report.duplicates).toBe(0);
    expect(stack.receivedCopies(exposed)).toHaveLength(1);
    expect(stack.workers.map((w) => w.output()).join('')).toContain('Postgres unavailable; retrying the write');
    expect((await fetch(`${stack.apiUrl}/readyz`)).status).toBe(200);
  });
});
