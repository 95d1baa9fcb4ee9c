import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedIds, startFaultStack, type FaultStack } from '../support/fault-stack.ts';
import type { HeraldProcess } from '../support/herald-process.ts';
import type { ReceivedMessage } from '../support/mx-sink.ts';

const MESSAGES = 200;
/** The DATA phases (counted at the MX) at which a worker is killed. */
const KILL_AT = [12, 35, 60, 90, 120, 150];

const idOf = (m: ReceivedMessage) => /^Message-ID: <(msg_[0-9A-Za-z]+)@/im.exec(m.raw.toString('latin1'))?.[1] ?? '';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two workers deliver 200 messages while, again and again, one of them is killed with SIGKILL the
 * moment the MX sees a message's content begin; a fresh worker replaces it. The MX takes its time
 * before each 250, so some kills land after a final dot, before the worker has read the answer.
 */
describe('fault: workers killed with SIGKILL during DATA', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack('kill', { workers: 2 });
  }, 120_000);
  afterAll(() => stack?.teardown());

  it('delivers every accepted message, one delivered event per recipient, duplicates only where a kill followed the final dot', async () => {
    const kills: { at: number; afterDot: Set<string> }[] = [];
    const unrecorded: Promise<string[]>[] = [];
    const replacements: Promise<HeraldProcess>[] = [];
    let dataStarts = 0;
    stack.sink.behaviour = {
      onDataStart: () => {
        dataStarts++;
        if (!KILL_AT.includes(dataStarts)) return;
        const live = stack.workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
        const victim = live[dataStarts % live.length];
        if (!victim) return;
        // messages whose final dot is in and whose 250 is not yet out: a kill now may make each a duplicate
        const at = Date.now();
        kills.push({ at, afterDot: new Set([...stack.sink.awaitingReply].map(idOf)) });
        victim.child.kill('SIGKILL');
        // and messages the MX took whose delivery is not yet written: the worker may have died between the 250 and the write
        const taken = stack.sink.received.filter((m) => m.at <= at).map(idOf);
        unrecorded.push(stack.query<{ id: string }>("SELECT id FROM messages WHERE id = ANY($1) AND status <> 'delivered'", [taken]).then((rows) => rows.map((r) => r.id)));
        replacements.push(sleep(300).then(() => stack.start('worker')));
      },
      data: () => sleep(40 + Math.floor(Math.random() * 80)).then(() => undefined),
    };

    const outcomes = await stack.sendMany(MESSAGES, { parallel: 8 });
    const ids = acceptedIds(outcomes);
    expect(ids).toHaveLength(MESSAGES);
    const report = await stack.settle(ids, 180_000);
    await Promise.all(replacements);

    expect(kills).toHaveLength(KILL_AT.length);
    expect(report.missing).toEqual([]);
    expect(new Set(report.statuses.values())).toEqual(new Set(['delivered']));
    expect(report.wrongDeliveredEvents).toEqual([]);
    expect(report.neverReceived).toEqual([]);

    // a copy that was still in a dying worker's socket buffer may reach the MX just after the kill
    const exposed = new Set([
      ...kills.flatMap((k) => [...k.afterDot, ...stack.sink.received.filter((m) => m.at >= k.at && m.at <= k.at + 200).map(idOf)]),
      ...(await Promise.all(unrecorded)).flat(),
    ]);
    const duplicated = ids.filter((id) => stack.receivedCopies(id).length > 1);
    console.info(`worker-kill: ${kills.length} kills, ${report.duplicates} duplicate copies at the MX, ${exposed.size} messages exposed by a kill after their final dot`);
    for (const id of duplicated) expect(exposed, `message ${id} was sent twice without a kill after its final dot`).toContain(id);
    expect(report.duplicates).toBeLessThanOrEqual(exposed.size);
  }, 300_000);
});

/**
 * A destination allowed one connection, whose connection a worker holds (idle in its pool) when it is
 * killed: the slot is renewed by its holder only, so it frees itself within HERALD_JOB_LOCK_TIMEOUT
 * (5 s here), not after the SMTP data timeout plus a minute as before.
 */
describe('fault: the connection slots of a worker killed with SIGKILL', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack('kill-slots', { env: { HERALD_MAX_CONNECTIONS_PER_DESTINATION: 1 } });
  }, 120_000);
  afterAll(() => stack?.teardown());

  it('are free again within the job lock timeout, so the next worker delivers to that destination promptly', async () => {
    const [first] = acceptedIds(await stack.sendMany(1));
    await stack.waitForReceived(first as string);
    // its session to the MX now waits in its pool, holding the destination's only slot
    stack.worker.child.kill('SIGKILL');
    const killedAt = Date.now();
    await stack.start('worker');
    const [second] = acceptedIds(await stack.sendMany(1));
    const received = await stack.waitForReceived(second as string);
    const after = received.at - killedAt;
    console.info(`worker-kill: a killed worker's only connection slot was taken again ${after} ms after the kill`);
    // the lease lapses at most 5 s after the kill, then a postponed job waits at most 3 s more
    expect(after).toBeLessThan(20_000);
  }, 120_000);
});

