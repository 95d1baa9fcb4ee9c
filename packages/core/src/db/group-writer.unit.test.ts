import { describe, expect, it } from 'vitest';
import { createGroupWriter } from './group-writer.ts';
import { DatabaseUnavailableError } from './unavailable.ts';

/** The next turn of the event loop: a group starts on it. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('group commit of outcome writes', () => {
  it('writes the first item on the next turn and the items that arrived meanwhile together', async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const writer = createGroupWriter<number>(async (items) => {
      calls.push(items);
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = writer.write(1);
    expect(calls).toEqual([]);
    await turn();
    const rest = [2, 3, 4].map((n) => writer.write(n));
    expect(calls).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(calls).toEqual([[1], [2, 3, 4]]);
  });

  it('writes each item of a failed group alone, so only the bad one fails', async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const writer = createGroupWriter<number>(async (items) => {
      calls.push(items);
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
      if (items.includes(3)) throw new Error('bad item 3');
    });
    const first = writer.write(1);
    await turn();
    const results = Promise.allSettled([2, 3, 4].map((n) => writer.write(n)));
    release();
    await first;
    expect((await results).map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(calls).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('writes at most maxBatch items at a time', async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const writer = createGroupWriter<number>(async (items) => {
      calls.push(items);
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
    }, 2);
    const all = [writer.write(1)];
    await turn();
    all.push(...[2, 3, 4, 5].map((n) => writer.write(n)));
    release();
    await Promise.all(all);
    expect(calls).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('keeps a group within maxWeight, sending an item heavier than that alone', async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const writer = createGroupWriter<number>(
      async (items) => {
        calls.push(items);
        if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
      },
      { maxWeight: 10, weight: (n) => n },
    );
    const all = [writer.write(1)];
    await turn();
    all.push(...[4, 5, 2, 30, 3].map((n) => writer.write(n)));
    release();
    await Promise.all(all);
    expect(calls).toEqual([[1], [4, 5], [2], [30], [3]]);
  });

  it('fails a whole group at once, without trying each item alone, when Postgres is unreachable or the group is a read', async () => {
    const down = new DatabaseUnavailableError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    for (const limits of [{}, { isolate: () => false }]) {
      const calls: number[][] = [];
      let release: () => void = () => undefined;
      const writer = createGroupWriter<number>(async (items) => {
        calls.push(items);
        if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
        throw 'isolate' in limits ? new Error('the read failed') : down;
      }, limits);
      const first = writer.write(1);
      await turn();
      const results = Promise.allSettled([first, ...[2, 3, 4].map((n) => writer.write(n))]);
      release();
      expect((await results).map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
      expect(calls).toEqual([[1], [2, 3, 4]]);
    }
  });

  it('writes the items written in the same turn as one group: callers answered together reach the next stage together', async () => {
    const calls: number[][] = [];
    const writer = createGroupWriter<number>(async (items) => {
      calls.push(items);
    });
    await Promise.all([1, 2, 3].map((n) => writer.write(n)));
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('lets an item that finds the writer idle and alone, soon after the one before it, wait gatherMs for others, and only then', async () => {
    const calls: number[][] = [];
    const gathering = createGroupWriter<number>(async (items) => {
      calls.push(items);
    }, { gatherMs: 200 });
    // the first item after a quiet spell (here: the first ever) is written at once
    await gathering.write(0);
    expect(calls).toEqual([[0]]);
    await turn(); // its write is done, and the writer idle
    // one soon after it waits for company
    calls.length = 0;
    const first = gathering.write(1);
    await sleep(20);
    await Promise.all([first, gathering.write(2)]);
    expect(calls).toEqual([[1, 2]]);

    // after a quiet spell longer than gatherMs, an item alone is written at once again
    calls.length = 0;
    const quiet = createGroupWriter<number>(async (items) => {
      calls.push(items);
    }, { gatherMs: 30 });
    await quiet.write(1);
    await sleep(60); // longer than gatherMs
    const started = performance.now();
    await quiet.write(2);
    expect(performance.now() - started).toBeLessThan(25);
    expect(calls).toEqual([[1], [2]]);

    // without it, the first item's group is long written when the second comes
    calls.length = 0;
    const plain = createGroupWriter<number>(async (items) => {
      calls.push(items);
    });
    const alone = plain.write(1);
    await sleep(20);
    await Promise.all([alone, plain.write(2)]);
    expect(calls).toEqual([[1], [2]]);

    // items that come together do not wait
    calls.length = 0;
    const together = performance.now();
    await Promise.all([3, 4].map((n) => gathering.write(n)));
    expect(calls).toEqual([[3, 4]]);
    expect(performance.now() - together).toBeLessThan(150);
  });
});
