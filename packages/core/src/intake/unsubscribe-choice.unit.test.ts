import { describe, expect, it } from 'vitest';
import { decideUnsubscribe, hasOwnListUnsubscribe, readUnsubscribeFlag, unsubscribeProblems } from './unsubscribe-choice.ts';

describe('whether a message carries one-click unsubscribe headers', () => {
  it("takes the send's own choice over the domain default, either way", () => {
    expect(decideUnsubscribe(true, false, false)).toBe(true);
    expect(decideUnsubscribe(false, false, true)).toBe(false);
  });

  it('falls back on the domain default when the send says nothing', () => {
    expect(decideUnsubscribe(undefined, false, true)).toBe(true);
    expect(decideUnsubscribe(undefined, false, false)).toBe(false);
  });

  it('lets a message that brings its own List-Unsubscribe keep it: the domain default adds none', () => {
    expect(decideUnsubscribe(undefined, true, true)).toBe(false);
  });

  it('refuses asking for Herald\'s headers beside the message\'s own, at the field given', () => {
    const [problem, ...more] = unsubscribeProblems(true, true);
    expect(more).toEqual([]);
    expect(problem?.field).toBe('unsubscribe');
    expect(problem?.message).toMatch(/own List-Unsubscribe/);
    expect(unsubscribeProblems(true, true, 'header.x-herald-unsubscribe')[0]?.field).toBe('header.x-herald-unsubscribe');
    expect(unsubscribeProblems(false, true)).toEqual([]);
    expect(unsubscribeProblems(undefined, true)).toEqual([]);
    expect(unsubscribeProblems(true, false)).toEqual([]);
  });

  it('recognises List-Unsubscribe and List-Unsubscribe-Post in any case, and nothing else', () => {
    expect(hasOwnListUnsubscribe(['X-Entity', 'LIST-UNSUBSCRIBE'])).toBe(true);
    expect(hasOwnListUnsubscribe(['list-unsubscribe-post'])).toBe(true);
    expect(hasOwnListUnsubscribe(['List-Id', 'List-Unsubscribe-Later', 'X-List-Unsubscribe'])).toBe(false);
  });

  it('reads X-Herald-Unsubscribe as true or false only', () => {
    expect(readUnsubscribeFlag(' TRUE ')).toBe(true);
    expect(readUnsubscribeFlag('false')).toBe(false);
    for (const value of ['yes', '1', '', 'true, false', 'tru\u0000e', 'on']) expect(readUnsubscribeFlag(value), value).toBeNull();
  });
});
