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

export type HelperCall = { ok: true; value: string | boolean } | { ok: false; arg: number; message: string };

const MAX_REMEMBERED = 4096;

/**
 * Results by helper, then by each argument in turn (a Map tells 1 from "1" by itself; -0 is kept apart
 * from 0 as Intl prints "-0"): a few Map lookups, no key string to build on every call.
 */
interface Memo {
  result?: string | boolean;
  next?: Map<unknown, Memo>;
}
const remembered = new Map<string, Memo>();
let rememberedCount = 0;

function memoFor(name: string, args: readonly HelperArg[], create: boolean): Memo | undefined {
  let memo: Memo | undefined = remembered.get(name);
  if (!memo) {
    if (!create) return undefined;
    memo = {};
    remembered.set(name, memo);
  }
  for (const arg of args) {
    const key = Object.is(arg, -0) ? '-0 (number)' : arg;
    let next: Memo | undefined = memo.next?.get(key);
    if (!next) {
      if (!create) return undefined;
      next = {};
      (memo.next ??= new Map()).set(key, next);
    }
    memo = next;
  }
  return memo;
}

/**
 * Calls a helper with checked arguments. Results are remembered (bounded): a helper's result depends
 * on its arguments only, a message asks for the same ones in the preflight, the HTML and the text part,
 * and the messages of a batch share many (a price, a date); an Intl format costs 1 to 3 µs. Only
 * accepted arguments are remembered, and those are primitives.
 */
export function callHelper(name: string, args: readonly HelperArg[]): HelperCall {
  const spec = HELPERS[name] as HelperSpec;
  if (args.length < spec.minArgs || args.length > spec.maxArgs) return { ok: false, arg: 0, message: `takes ${spec.minArgs} to ${spec.maxArgs} arguments: ${spec.usage}` };
  if (name === 'eq') return { ok: true, value: spec.run(args) };
  const known = memoFor(name, args, false)?.result;
  if (known !== undefined) return { ok: true, value: known };
  const problem = spec.problem(args);
  if (problem) return { ok: false, ...problem };
  const value = spec.run(args);
  if (++rememberedCount > MAX_REMEMBERED) {
    remembered.clear();
    rememberedCount = 1;
  }
  (memoFor(name, args, true) as Memo).result = value;
  return { ok: true, value };
}

/**
 * The helper as Handlebars calls it: the arguments, then its options object (dropped). A render is
 * checked before it runs, so a refusal here means a path the check missed, and fails the render.
 */
export function runtimeHelper(name: string): (...params: unknown[]) => string | boolean {
  return (...params: unknown[]) => {
    const result = callHelper(name, params.slice(0, -1));
    if (!result.ok) throw new Error(`${name}: ${result.message}`);
    return result.value;
  };
}
