import { decodeTime, encodeTime } from 'ulid';
import type { PartitionInterval } from './partitioned-tables.ts';

const DAY_MS = 86_400_000;

/** The start (UTC) of the interval that holds `at`: midnight, Monday's midnight, or the 1st of the month. */
export function periodStart(at: Date, interval: PartitionInterval): Date {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  if (interval === 'day') return day;
  if (interval === 'week') return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY_MS);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** The start of the interval after the one that starts at `start`. */
export function nextPeriod(start: Date, interval: PartitionInterval): Date {
  if (interval === 'day') return new Date(start.getTime() + DAY_MS);
  if (interval === 'week') return new Date(start.getTime() + 7 * DAY_MS);
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
}

/**
 * The smallest id of a time: the prefix and the ULID's ten time characters. Every id minted at that
 * millisecond or later sorts at or after it (it is a prefix of those of the same millisecond, and the
 * time characters are Crockford base32 digits and capitals, in the same order under any collation).
 */
export function idBound(prefix: string, at: Date): string {
  return `${prefix}_${encodeTime(at.getTime(), 10)}`;
}

/** The time an id bound (or an id) stands for; null when it has no ULID time after its prefix. */
export function boundTime(bound: string): Date | null {
  const time = /^[a-z]+_([0-9A-HJKMNP-TV-Z]{10})/.exec(bound)?.[1];
  if (!time) return null;
  try {
    return new Date(decodeTime(`${time}0000000000000000`));
  } catch {
    return null;
  }
}

/** The name of the partition of an interval: the table and the day it starts, e.g. events_p20261207. */
export function partitionName(table: string, start: Date): string {
  return `${table}_p${start.toISOString().slice(0, 10).replaceAll('-', '')}`;
}
