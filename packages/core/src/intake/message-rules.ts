import type { ErrorDetail } from '../errors/registry.ts';

/** A line break in any of its forms (CR, LF, NEL, LS, PS, VT, FF): never allowed in a one-line field such as a subject. */
export const LINE_BREAK = /[\r\n\u0085\u2028\u2029\v\f]/;

/**
 * The rules a message's tags, metadata, recipients and schedule follow, whichever front end it came
 * through: the API's schema uses the patterns and limits (so the OpenAPI document shows them), SMTP
 * submission reads tags and metadata from X-Herald headers, and intake's `submit` checks every
 * request against them before anything else happens.
 */
export const MESSAGE_RULES = {
  tag: /^[A-Za-z0-9_-]{1,64}$/,
  tagRule: 'must be 1-64 letters, digits, _ or -',
  maxTags: 10,
  metadataKey: /^[A-Za-z0-9_.-]{1,40}$/,
  metadataKeyRule: 'keys must be 1-40 letters, digits, _, . or -',
  maxMetadataKeys: 20,
  maxMetadataValueLength: 500,
  maxScheduleDays: 30,
  maxSubjectLength: 998,
  maxAttachments: 100,
} as const;

/** A rule broken, at a path relative to the message (`tags.3`, `metadata.plan`, `to`), to be prefixed by the caller. */
export type RuleProblem = ErrorDetail;

export function tagProblems(tags: readonly string[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  if (tags.length > MESSAGE_RULES.maxTags) problems.push({ field: 'tags', message: `at most ${MESSAGE_RULES.maxTags} tags` });
  tags.forEach((tag, i) => {
    if (!MESSAGE_RULES.tag.test(tag)) problems.push({ field: `tags.${i}`, message: MESSAGE_RULES.tagRule });
  });
  return problems;
}

export function metadataProblems(metadata: Readonly<Record<string, string>>): RuleProblem[] {
  const entries = Object.entries(metadata);
  const problems: RuleProblem[] = [];
  if (entries.length > MESSAGE_RULES.maxMetadataKeys) problems.push({ field: 'metadata', message: `at most ${MESSAGE_RULES.maxMetadataKeys} keys` });
  for (const [key, value] of entries) {
    if (!MESSAGE_RULES.metadataKey.test(key)) problems.push({ field: `metadata.${key}`, message: MESSAGE_RULES.metadataKeyRule });
    else if (value.length > MESSAGE_RULES.maxMetadataValueLength) {
      problems.push({ field: `metadata.${key}`, message: `values must be at most ${MESSAGE_RULES.maxMetadataValueLength} characters` });
    }
  }
  return problems;
}

/** How many recipients a message may have, and when a scheduled one may be sent at the latest. */
export interface RecipientLimits {
  maxRecipients: number;
}

/** The recipient count (to, cc and bcc together, a setting) and how far ahead a message may be scheduled. */
export function recipientProblems(recipientCount: number, limits: RecipientLimits): RuleProblem[] {
  if (recipientCount === 0) return [{ field: 'to', message: 'at least one recipient is required' }];
  if (recipientCount > limits.maxRecipients) return [{ field: 'to', message: `at most ${limits.maxRecipients} recipients in to, cc and bcc together` }];
  return [];
}

export function scheduleProblems(sendAt: Date | undefined, now: Date): RuleProblem[] {
  if (sendAt && sendAt.getTime() > now.getTime() + MESSAGE_RULES.maxScheduleDays * 86_400_000) {
    return [{ field: 'send_at', message: `must be at most ${MESSAGE_RULES.maxScheduleDays} days ahead` }];
  }
  return [];
}
