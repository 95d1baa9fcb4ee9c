import { describe, expect, it } from 'vitest';
import { jsonRows } from './json-rows.ts';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ i, name: ['Zoë', '注文', 'Paket 📦', 'a\u0000"b\\'][i % 4], list: [i, null] }));

describe('jsonRows', () => {
  it('answers the JSON text for up to a slice of rows', () => {
    for (const n of [0, 1, 64]) expect(jsonRows(rows(n), 'jsonb')).toBe(JSON.stringify(rows(n)));
  });

  it('answers the same text as UTF-8 bytes for more, json as is and jsonb after its version byte', () => {
    for (const n of [65, 128, 129, 500]) {
      const json = jsonRows(rows(n), 'json');
      const jsonb = jsonRows(rows(n), 'jsonb');
      expect(Buffer.isBuffer(json) && Buffer.isBuffer(jsonb)).toBe(true);
      expect((json as Buffer).toString('utf8')).toBe(JSON.stringify(rows(n)));
      expect((jsonb as Buffer)[0]).toBe(1);
      expect((jsonb as Buffer).subarray(1).equals(json as Buffer)).toBe(true);
    }
  });
});
