import { describe, expect, it } from 'vitest';
import { afterPosition, keysetPage, rowsToFetch } from './keyset.ts';

const at = (iso: string, id: string) => ({ createdAt: new Date(iso), id, extra: id.toUpperCase() });

describe('keyset pages of newest-first lists', () => {
  it('fetches one row more than the page, and names the last item of a full page as where the next starts', () => {
    const rows = [at('2026-01-03T00:00:00Z', 'c'), at('2026-01-02T00:00:00Z', 'b'), at('2026-01-02T00:00:00Z', 'a')];
    expect(rowsToFetch({ limit: 2 })).toBe(3);
    const page = keysetPage(rows, 2);
    expect(page.items.map((r) => r.id)).toEqual(['c', 'b']);
    expect(page.next).toEqual({ createdAt: new Date('2026-01-02T00:00:00Z'), id: 'b' });
  });

  it('has no next position on the last page, nor on an empty one', () => {
    expect(keysetPage([at('2026-01-01T00:00:00Z', 'a')], 2).next).toBeNull();
    expect(keysetPage([], 2)).toEqual({ items: [], next: null });
  });

  it('continues strictly after a position: older rows, or rows of the same time with a smaller id', () => {
    const position = { createdAt: new Date('2026-01-02T00:00:00Z'), id: 'b' };
    expect(afterPosition(position)).toEqual({
      OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: 'b' } }],
    });
  });
});
