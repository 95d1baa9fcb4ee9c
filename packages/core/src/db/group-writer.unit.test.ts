import { describe, expect, it } from 'vitest';
import { createGroupWriter } from './group-writer.ts';
import { DatabaseUnavailableError } from './unavailable.ts';

describe('group commit of outcome writes', () => {
  it('writes the first item at once and the items that arrived meanwhile together', async () => {
    const calls: number[][] = [];
    let release: () => void = () => undefined;
    const writer = createGroupWriter<number>(async (items) => {
      calls.push(items);
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    const first = writer.write(1);
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
    const all = [1, 2, 3, 4, 5].map((n) => writer.write(n));
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
    const all = [1, 4, 5, 2, 30, 3].map((n) => writer.write(n));
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
      const results = Promise.allSettled([1, 2, 3, 4].map((n) => writer.write(n)));
      release();
      expect((await results).map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
      expect(calls).toEqual([[1], [2, 3, 4]]);
    }
  });
});
