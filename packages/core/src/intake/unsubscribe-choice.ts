import type { RuleProblem } from './message-rules.ts';

/**
 * Whether a message carries Herald's one-click unsubscribe headers (RFC 8058, RFC 2369): the
 * request's own choice (`unsubscribe` in the API, X-Herald-Unsubscribe over SMTP) when it makes one,
 * else the sending domain's default. A message that brings its own List-Unsubscribe header keeps
 * it: the domain default does not add a second one, and asking for Herald's as well is refused
 * (two List-Unsubscribe fields would leave the receiver to pick one).
 */
export const LIST_UNSUBSCRIBE_FIELDS: ReadonlySet<string> = new Set(['list-unsubscribe', 'list-unsubscribe-post']);

/** Whether any of these header names (any case) is List-Unsubscribe or List-Unsubscribe-Post. */
export function hasOwnListUnsubscribe(headerNames: Iterable<string>): boolean {
  for (const name of headerNames) if (LIST_UNSUBSCRIBE_FIELDS.has(name.toLowerCase())) return true;
  return false;
}

/** `unsubscribe: true` beside the message's own List-Unsubscribe header: refused, at `field`. */
export function unsubscribeProblems(requested: boolean | undefined, ownHeader: boolean, field = 'unsubscribe'): RuleProblem[] {
  if (requested === true && ownHeader) {
    return [{ field, message: 'the message has its own List-Unsubscribe header: remove it to use Herald\'s one-click unsubscribe, or leave this off' }];
  }
  return [];
}

/** The value of X-Herald-Unsubscribe: `true` or `false` (any case, surrounding spaces aside); null for anything else. */
export function readUnsubscribeFlag(value: string): boolean | null {
  const text = value.trim().toLowerCase();
  return text === 'true' ? true : text === 'false' ? false : null;
}

/** What is stored in messages.unsubscribe. */
export function decideUnsubscribe(requested: boolean | undefined, ownHeader: boolean, domainDefault: boolean): boolean {
  if (requested !== undefined) return requested;
  return ownHeader ? false : domainDefault;
}
