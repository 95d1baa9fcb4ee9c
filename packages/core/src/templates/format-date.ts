import { cachedFormatter, DEFAULT_LOCALE, describeType, DYNAMIC, type HelperArg, localeProblem, rememberValid } from './intl-support.ts';

/** The styles of {{formatDate value style locale timeZone}}; medium is the default. */
export const DATE_STYLES = ['short', 'medium', 'long', 'full', 'datetime', 'time', 'iso'] as const;
export type DateStyle = (typeof DATE_STYLES)[number];

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

interface ParsedDate {
  date: Date;
  /** A calendar date without a time: shown as that day whatever the time zone. */
  dateOnly: boolean;
}

/**
 * An ISO 8601 date ("2026-01-02") or date and time with its offset ("2026-01-02T09:30:00Z",
 * "…+02:00"), checked field by field: Date.parse would take "2026-02-30" for March 2nd, and a time
 * without an offset means a different instant in every time zone.
 */
function parseIsoDate(value: string): ParsedDate | null {
  const dateTime = DATE_TIME.exec(value);
  const parts = dateTime ?? DATE_ONLY.exec(value);
  if (!parts) return null;
  const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return null;
  if (dateTime && (Number(dateTime[4]) > 23 || Number(dateTime[5]) > 59 || Number(dateTime[6] ?? 0) > 59)) return null;
  const date = dateTime ? new Date(value) : calendar;
  return Number.isNaN(date.getTime()) ? null : { date, dateOnly: !dateTime };
}

const knownTimeZones = new Set<string>();

function timeZoneProblem(value: HelperArg): string | null {
  if (value === DYNAMIC) return null;
  const valid = typeof value === 'string' && value !== '' && rememberValid(knownTimeZones, value, () => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: value });
      return true;
    } catch {
      return false; // RangeError: unknown time zone
    }
  });
  if (valid) return null;
  return `${typeof value === 'string' ? `"${value}"` : describeType(value)} is not a known time zone (an IANA name such as UTC or Europe/Berlin)`;
}

function valueProblem(value: HelperArg): string | null {
  if (value === DYNAMIC || value === null || value === undefined) return null;
  if (typeof value !== 'string') return `formatDate needs an ISO 8601 date such as 2026-01-02 or 2026-01-02T09:30:00Z, not ${describeType(value)}`;
  if (parseIsoDate(value)) return null;
  const withoutOffset = !/(?:Z|[+-]\d{2}:\d{2})$/.test(value);
  return withoutOffset && parseIsoDate(`${value}Z`)
    ? `"${value}" has a time but no offset: add Z (UTC) or one such as +02:00`
    : `"${value}" is not a valid ISO 8601 date (such as 2026-01-02 or 2026-01-02T09:30:00Z)`;
}

/** What is wrong with the arguments of formatDate, by argument index, or null. */
export function formatDateProblem(args: readonly HelperArg[]): { arg: number; message: string } | null {
  const [value, style = 'medium', locale = DEFAULT_LOCALE, timeZone = 'UTC'] = args;
  const checks: [number, string | null][] = [
    [0, valueProblem(value)],
    [1, style === DYNAMIC || (DATE_STYLES as readonly unknown[]).includes(style) ? null : `the style must be one of ${DATE_STYLES.join(', ')}`],
    [2, localeProblem(locale)],
    [3, timeZoneProblem(timeZone)],
  ];
  for (const [arg, message] of checks) if (message) return { arg, message };
  return null;
}

const STYLE_OPTIONS: Record<Exclude<DateStyle, 'iso'>, Intl.DateTimeFormatOptions> = {
  short: { dateStyle: 'short' },
  medium: { dateStyle: 'medium' },
  long: { dateStyle: 'long' },
  full: { dateStyle: 'full' },
  datetime: { dateStyle: 'medium', timeStyle: 'short' },
  time: { timeStyle: 'short' },
};

/** formatDate, once formatDateProblem found nothing wrong: null and undefined print as nothing. */
export function formatDate(args: readonly HelperArg[]): string {
  const [value, style = 'medium', locale = DEFAULT_LOCALE, timeZone = 'UTC'] = args as [unknown, DateStyle?, string?, string?];
  if (value === null || value === undefined) return '';
  const parsed = parseIsoDate(value as string);
  if (!parsed) throw new Error('formatDate: not a valid date');
  if (style === 'iso') return parsed.dateOnly ? (value as string) : parsed.date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const zone = parsed.dateOnly ? 'UTC' : timeZone;
  const formatter = cachedFormatter(`date|${style}|${locale}|${zone}`, () => new Intl.DateTimeFormat(locale, { ...STYLE_OPTIONS[style], timeZone: zone }));
  return formatter.format(parsed.date);
}
