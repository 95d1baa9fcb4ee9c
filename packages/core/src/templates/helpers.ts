import { formatDate, formatDateProblem } from './format-date.ts';
import { formatNumber, formatNumberProblem } from './format-number.ts';
import type { HelperArg } from './intl-support.ts';

/**
 * Herald's helpers, the only ones a template can call besides the built-in blocks (#if, #unless,
 * #each, #with). Each takes plain values and returns a string or a boolean: none can reach a file,
 * the process, a global or a prototype, and each checks its arguments (when a template is saved for
 * literal arguments, before a render for the others).
 */
export interface HelperSpec {
  minArgs: number;
  maxArgs: number;
  /** Usage, for messages. */
  usage: string;
  /** What is wrong with the arguments (DYNAMIC where not known yet), by argument index, or null. */
  problem(args: readonly HelperArg[]): { arg: number; message: string } | null;
  run(args: readonly HelperArg[]): string | boolean;
}

export const HELPERS: Readonly<Record<string, HelperSpec>> = Object.freeze({
  eq: {
    minArgs: 2,
    maxArgs: 2,
    usage: '{{#if (eq a b)}}: whether a and b are the same value (===)',
    problem: () => null,
    run: ([a, b]) => a === b,
  },
  formatDate: {
    minArgs: 1,
    maxArgs: 4,
    usage: '{{formatDate value [short|medium|long|full|datetime|time|iso] [locale] [time zone]}}',
    problem: formatDateProblem,
    run: formatDate,
  },
  formatNumber: {
    minArgs: 1,
    maxArgs: 4,
    usage: '{{formatNumber value [decimal|integer|percent] [locale]}} or {{formatNumber value "currency" CODE [locale]}}',
    problem: formatNumberProblem,
    run: formatNumber,
  },
} satisfies Record<string, HelperSpec>);

/** The built-in block helpers a template may use, with the hash options each accepts. */
export const BLOCK_HELPERS: Readonly<Record<string, { hash: readonly string[]; blockParams: number }>> = Object.freeze({
  if: { hash: ['includeZero'], blockParams: 0 },
  unless: { hash: ['includeZero'], blockParams: 0 },
  each: { hash: [], blockParams: 2 },
  with: { hash: [], blockParams: 1 },
});

export function isValueHelper(name: string): boolean {
  return Object.hasOwn(HELPERS, name);
}

export function isBlockHelper(name: string): boolean {
  return Object.hasOwn(BLOCK_HELPERS, name);
}

/**
 * The helper as Handlebars calls it: the arguments, then its options object (dropped). A render is
 * checked before it runs, so a throw here means a path the check missed, and fails the render.
 */
export function runtimeHelper(name: string, spec: HelperSpec): (...params: unknown[]) => string | boolean {
  return (...params: unknown[]) => {
    const args = params.slice(0, -1);
    if (args.length < spec.minArgs || args.length > spec.maxArgs) throw new Error(`${name}: wrong number of arguments`);
    const problem = spec.problem(args);
    if (problem) throw new Error(`${name}: ${problem.message}`);
    return spec.run(args);
  };
}
