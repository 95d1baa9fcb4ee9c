import { cachedFormatter, DEFAULT_LOCALE, describeType, DYNAMIC, type HelperArg, localeProblem } from './intl-support.ts';

/**
 * The styles of formatNumber: {{formatNumber value [style] [locale]}}, and for money
 * {{formatNumber value "currency" CODE [locale]}}. decimal is the default.
 */
export const NUMBER_STYLES = ['decimal', 'integer', 'percent', 'currency'] as const;
export type NumberStyle = (typeof NUMBER_STYLES)[number];

/** A decimal written as a string ("12.50"): formatted exactly, as amounts of money often travel. */
const DECIMAL_STRING = /^-?\d{1,30}(?:\.\d{1,20})?$/;
const CURRENCY = /^[A-Z]{3}$/;

interface NumberArgs {
  value: HelperArg;
  style: HelperArg;
  currency: HelperArg;
  locale: HelperArg;
}

/** The arguments by meaning: the third is the currency only in the currency style, otherwise the locale. */
function readArgs(args: readonly HelperArg[]): NumberArgs & { localeArg: number } {
  const [value, style = 'decimal', third, fourth] = args;
  if (style === 'currency') return { value, style, currency: third, locale: fourth ?? DEFAULT_LOCALE, localeArg: 3 };
  return { value, style, currency: undefined, locale: third ?? DEFAULT_LOCALE, localeArg: 2 };
}

function valueProblem(value: HelperArg): string | null {
  if (value === DYNAMIC || value === null || value === undefined) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return null;
  if (typeof value === 'string' && DECIMAL_STRING.test(value)) return null;
  return typeof value === 'string'
    ? `formatNumber needs a number, or a decimal written as a string such as "12.50"; "${value.slice(0, 40)}" is neither`
    : `formatNumber needs a number, not ${describeType(value)}`;
}

/** What is wrong with the arguments of formatNumber, by argument index, or null. */
export function formatNumberProblem(args: readonly HelperArg[]): { arg: number; message: string } | null {
  const { value, style, currency, locale, localeArg } = readArgs(args);
  const valueIssue = valueProblem(value);
  if (valueIssue) return { arg: 0, message: valueIssue };
  if (style === DYNAMIC) return null;
  if (!(NUMBER_STYLES as readonly unknown[]).includes(style)) return { arg: 1, message: `the style must be one of ${NUMBER_STYLES.join(', ')}` };
  if (style === 'currency' && currency !== DYNAMIC && (typeof currency !== 'string' || !CURRENCY.test(currency))) {
    return { arg: 2, message: 'the currency style needs an ISO 4217 currency code such as EUR or USD as its next argument' };
  }
  if (style !== 'currency' && args.length > 3) return { arg: 3, message: `the ${style as string} style takes at most a locale after it` };
  const problem = localeProblem(locale);
  return problem ? { arg: localeArg, message: problem } : null;
}

const STYLE_OPTIONS: Record<Exclude<NumberStyle, 'currency'>, Intl.NumberFormatOptions> = {
  // Intl's defaults: grouping, at most 3 decimals
  decimal: {},
  integer: { maximumFractionDigits: 0 },
  percent: { style: 'percent', maximumFractionDigits: 2 },
};

/** formatNumber, once formatNumberProblem found nothing wrong: null and undefined print as nothing. */
export function formatNumber(args: readonly HelperArg[]): string {
  const { value, style, currency, locale } = readArgs(args) as { value: number | string | null | undefined; style: NumberStyle; currency: string; locale: string };
  if (value === null || value === undefined) return '';
  const formatter = cachedFormatter(`number|${style}|${currency}|${locale}`, () =>
    new Intl.NumberFormat(locale, style === 'currency' ? { style: 'currency', currency } : STYLE_OPTIONS[style]),
  );
  // Intl takes a decimal string as it is written (no rounding through a double); the types lag behind
  return formatter.format(value as number);
}
