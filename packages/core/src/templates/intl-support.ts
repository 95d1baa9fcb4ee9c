/**
 * What the formatting helpers share: argument checks for locales, and a bounded cache of Intl
 * formatters (building one costs tens of microseconds, using one about one).
 */

/** Stands for an argument whose value is known only at render (a variable), in checks made when a template is saved. */
export const DYNAMIC: unique symbol = Symbol('dynamic argument');
export type HelperArg = unknown;

export const DEFAULT_LOCALE = 'en-US';

const MAX_CACHED = 256;

/**
 * Whether a check passed for this value before: checks that build Intl objects cost tens of
 * microseconds, and a loop asks about the same locale or time zone every time. Bounded.
 */
export function rememberValid(known: Set<string>, value: string, check: () => boolean): boolean {
  if (known.has(value)) return true;
  if (!check()) return false;
  if (known.size >= MAX_CACHED) known.clear();
  known.add(value);
  return true;
}

const knownLocales = new Set<string>();

/** Why a value is not a locale Herald can format for, or null. */
export function localeProblem(value: HelperArg): string | null {
  if (value === DYNAMIC) return null;
  if (typeof value !== 'string' || value === '') return 'the locale must be a BCP 47 language tag such as en-US or de';
  const valid = rememberValid(knownLocales, value, () => {
    try {
      // Intl falls back to the default locale without a word for a well-formed tag it has no data for
      return Intl.getCanonicalLocales(value).length === 1 && Intl.NumberFormat.supportedLocalesOf(value).length === 1;
    } catch {
      return false; // RangeError: not a well-formed tag
    }
  });
  return valid ? null : `"${value}" is not a locale Herald can format for (a BCP 47 tag such as en-US or de)`;
}

const formatters = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

/** The formatter for a key, made once; the cache starts over when full (keys come from a small fixed set of options times the locales in use). */
export function cachedFormatter<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => F): F {
  let formatter = formatters.get(key);
  if (!formatter) {
    if (formatters.size >= MAX_CACHED) formatters.clear();
    formatter = make();
    formatters.set(key, formatter);
  }
  return formatter as F;
}

/** "a number", "an object", "null": for messages about a value of the wrong type. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}
