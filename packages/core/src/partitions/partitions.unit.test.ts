import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { freeRange } from './ensure-partitions.ts';
import { parseBound, type Partition } from './partition-catalog.ts';
import { boundLiteral } from './partition-ddl.ts';
import { boundTime, idBound, nextPeriod, partitionName, periodStart } from './periods.ts';

const at = (iso: string) => new Date(iso);
const idAt = (ms: number) => `msg_${ulid(ms)}`;

describe('partition periods', () => {
  it('start at UTC midnight, on Monday, or on the 1st, and follow one another', () => {
    const t = at('2026-12-05T17:30:00.123Z'); // a Saturday
    expect(periodStart(t, 'day').toISOString()).toBe('2026-12-05T00:00:00.000Z');
    expect(periodStart(t, 'week').toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(periodStart(at('2026-11-30T00:00:00Z'), 'week').toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(periodStart(at('2026-12-06T23:59:59.999Z'), 'week').toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(periodStart(t, 'month').toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(nextPeriod(at('2026-12-01T00:00:00Z'), 'month').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(nextPeriod(at('2026-11-30T00:00:00Z'), 'week').toISOString()).toBe('2026-12-07T00:00:00.000Z');
    expect(nextPeriod(at('2027-02-28T00:00:00Z'), 'day').toISOString()).toBe('2027-03-01T00:00:00.000Z');
    expect(partitionName('events', at('2026-11-30T00:00:00Z'))).toBe('events_p20261130');
  });

  it('bound ids by time: every id of the interval sorts inside its bounds, the next millisecond outside', () => {
    const start = at('2026-12-01T00:00:00Z');
    const end = nextPeriod(start, 'month');
    const [from, to] = [idBound('msg', start), idBound('msg', end)];
    const inside = [idAt(start.getTime()), idAt(end.getTime() - 1)];
    for (const id of inside) expect(id >= from && id < to).toBe(true);
    expect(idAt(end.getTime()) >= to).toBe(true);
    expect(idAt(start.getTime() - 1) < from).toBe(true);
    expect(boundTime(from)?.toISOString()).toBe(start.toISOString());
    expect(boundTime(inside[1] as string)?.getTime()).toBe(end.getTime() - 1);
    expect(boundTime('msg_test')).toBeNull();
  });
});

describe('partition catalog', () => {
  it('reads the bounds Postgres prints, and refuses others', () => {
    expect(parseBound('e_p', "FOR VALUES FROM ('evt_01KA') TO ('evt_01KB')")).toEqual({ name: 'e_p', isDefault: false, from: 'evt_01KA', to: 'evt_01KB' });
    expect(parseBound('e_l', "FOR VALUES FROM (MINVALUE) TO ('evt_01KB')")).toEqual({ name: 'e_l', isDefault: false, from: null, to: 'evt_01KB' });
    expect(parseBound('e_d', 'DEFAULT')).toEqual({ name: 'e_d', isDefault: true, from: null, to: null });
    expect(() => parseBound('x', 'FOR VALUES IN (1)')).toThrow(/bound Herald does not make/);
  });

  it('puts only checked bounds in DDL', () => {
    expect(boundLiteral('evt_01KA')).toBe("'evt_01KA'");
    expect(() => boundLiteral("evt_'; DROP TABLE events; --")).toThrow();
  });
});

describe('the free part of an interval', () => {
  const legacy: Partition = { name: 'l', isDefault: false, from: null, to: 'evt_05' };
  const dflt: Partition = { name: 'd', isDefault: true, from: null, to: null };
  it('is the whole interval when nothing holds it', () => {
    expect(freeRange([dflt], 'evt_06', 'evt_07')).toEqual({ from: 'evt_06', to: 'evt_07' });
  });
  it('begins where the partition from before partitioning ends', () => {
    expect(freeRange([legacy, dflt], 'evt_04', 'evt_06')).toEqual({ from: 'evt_05', to: 'evt_06' });
    expect(freeRange([legacy, dflt], 'evt_03', 'evt_05')).toBeNull();
  });
  it('ends where another begins, and is nothing when held', () => {
    const next: Partition = { name: 'n', isDefault: false, from: 'evt_07', to: 'evt_08' };
    expect(freeRange([next], 'evt_06', 'evt_08')).toEqual({ from: 'evt_06', to: 'evt_07' });
    expect(freeRange([next], 'evt_07', 'evt_08')).toBeNull();
  });
});
