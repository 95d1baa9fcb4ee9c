import type { ErrorDetail } from '../errors/registry.ts';

/**
 * The rules of a template's name and alias, the same for every front end: the API's schemas use the
 * patterns (so the OpenAPI document shows them), SMTP submission reads an alias from X-Herald-Template.
 * An alias cannot look like an id (tpl_…) nor hold '@' (X-Herald-Template: alias@version).
 */
export const TEMPLATE_RULES = {
  alias: /^(?!tpl_)[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/,
  aliasRule: 'must be 1-100 letters, digits, _, . or -, starting with a letter or digit, and not start with tpl_',
  maxNameLength: 200,
  /** The highest version number a request may name. */
  maxVersion: 2_147_483_647,
} as const;

export function aliasProblem(alias: string, field: string): ErrorDetail | null {
  return TEMPLATE_RULES.alias.test(alias) ? null : { field, message: TEMPLATE_RULES.aliasRule };
}
