import type { FastifyRequest } from 'fastify';
import type { ErrorDetail } from '@herald/core';
import { textValidationError } from './json-body.ts';
import { findTextProblems, mayHoldBadText } from './text-problems.ts';

/**
 * A preValidation hook for every route: path parameters, query parameters and headers that Postgres
 * could not store (`%00` decodes to NUL) or that are not percent-encoded UTF-8 (`?recipient=%ff`,
 * which the query parser would otherwise keep as the literal text "%ff") are refused with 400
 * validation_failed naming `params.<name>`, `query.<name>` or `headers.<name>`. The body is checked by
 * the JSON parser (json-body.ts). Bad percent-encoding in the path never gets here: the router
 * refuses it (see error-handler.ts).
 */
export async function refuseBadText(request: FastifyRequest): Promise<void> {
  const params = request.params as Record<string, unknown>;
  const query = request.query as Record<string, unknown>;
  const q = request.url.indexOf('?');
  const encodedQuery = q !== -1 && request.url.includes('%', q);
  // the common request has nothing to find: a few regex tests, no walk, no allocation
  if (!encodedQuery && !mayHoldBadText(params) && !mayHoldBadText(query) && !mayHoldBadText(request.headers)) return;
  const found: ErrorDetail[] = [];
  findTextProblems(params, 'params', found);
  findTextProblems(query, 'query', found);
  findTextProblems(request.headers, 'headers', found);
  if (encodedQuery) found.push(...badlyEncodedQuery(request.url.slice(q + 1)));
  if (found.length > 0) throw textValidationError(found);
}

/** The query parameters whose name or value is not valid percent-encoded UTF-8. */
function badlyEncodedQuery(query: string): ErrorDetail[] {
  const found: ErrorDetail[] = [];
  for (const pair of query.split('&')) {
    if (!pair.includes('%')) continue;
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (name === null || value === null) {
      found.push({ field: name ? `query.${name}` : 'query', message: 'must be valid percent-encoded UTF-8' });
    }
  }
  return found;
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
