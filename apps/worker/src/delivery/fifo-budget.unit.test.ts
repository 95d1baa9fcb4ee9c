import { describe, expect, it } from 'vitest';
import { FifoBudget } from './fifo-budget.ts';

const settled = async <T>(promise: Promise<T>): Promise<boolean> => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
};

describe('FifoBudget', () => {
  it('lets messages through while they fit, then holds the next one until enough is given back', async () => {
    const budget = new FifoBudget(100);
    const first = await budget.take(60);
    const second = await budget.take(40);
    expect(budget.inUse).toBe(100);
    const third = budget.take(30);
    expect(await settled(third)).toBe(false);
    first();
    expect(await settled(third)).toBe(true);
    expect(budget.inUse).toBe(70);
    second();
    (await third)();
    expect(budget.inUse).toBe(0);
  });

  it('lets one message larger than the whole budget through alone, and nothing beside it', async () => {
    const budget = new FifoBudget(100);
    const huge = await budget.take(500);
    const small = budget.take(1);
    expect(await settled(small)).toBe(false);
    huge();
    expect(await settled(small)).toBe(true);
    const alsoHuge = budget.take(500);
    expect(await settled(alsoHuge)).toBe(false);
    (await small)();
    expect(await settled(alsoHuge)).toBe(true);
  });

  it('serves waiting messages in arrival order: a small one does not pass a large one ahead of it', async () => {
    const budget = new FifoBudget(100);
    const held = await budget.take(90);
    const large = budget.take(50);
    const small = budget.take(5);
    expect(await settled(small)).toBe(false);
    held();
    expect(await settled(large)).toBe(true);
    expect(await settled(small)).toBe(true);
    expect(budget.inUse).toBe(55);
  });

  it('gives bytes back once however often the give-back is called', async () => {
    const budget = new FifoBudget(100);
    const giveBack = await budget.take(40);
    giveBack();
    giveBack();
    expect(budget.inUse).toBe(0);
    await budget.take(10);
    expect(budget.inUse).toBe(10);
  });
});
