import { describe, expect, it } from 'vitest';
import { hasIdShape, newId } from './ids.ts';

describe('ids', () => {
  it('are prefixed by type and sort by creation time', () => {
    const ids = [newId('message', 1_000), newId('message', 1_000), newId('message', 2_000)];
    expect(ids.every((id) => hasIdShape('message', id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
    expect(newId('event')).toMatch(/^evt_/);
    expect(hasIdShape('message', newId('event'))).toBe(false);
  });
});
