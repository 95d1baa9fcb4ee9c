import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HeraldError, isDatabaseUnavailable, type ErrorDetail } from '@herald/core';
import { bearerChallenge } from './bearer-challenge.ts';

/** Fastify's own errors that are the client's fault, mapped to registry codes. */
const FASTIFY_CODES: Record<string, (err: FastifyError) => HeraldError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new HeraldError('payload_too_large', 'the request body is larger than the limit'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new HeraldError('unsupported_media_type', 'the body must be application/json'),
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    new HeraldError('validation_failed', 'body: not valid JSON', [{ field: 'body', message: 'must be valid JSON' }]),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new HeraldError('validation_failed', 'body: empty', [{ field: 'body', message: 'must be a JSON object' }]),
};

interface ZodIssueLike {
  code: string;
  path: (string | number)[];
  message: string;
  errors?: ZodIssueLike[][];
}

/**
 * A field accepted in several shapes (a string or an object, one address or a list) fails as a union;
 * report the issues of the shape the client evidently meant — the branch that got past the type
 * check — instead of a bare "Invalid input".
 */
function flattenIssue(issue: ZodIssueLike, prefix: (string | number)[] = []): ErrorDetail[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors?.length) {
    const meant = issue.errors.filter((branch) => !isTypeMismatch(branch));
    if (meant.length > 0) return (meant[0] as ZodIssueLike[]).flatMap((i) => flattenIssue(i, path));
    return [{ field: path.join('.'), message: 'has the wrong type' }];
  }
  return [{ field: path.join('.'), message: issue.message }];
}

/** True when a union branch failed only because the value is not of its type at all. */
function isTypeMismatch(branch: ZodIssueLike[]): boolean {
  return branch.every(
    (i) =>
      i.path.length === 0 &&
      (i.code === 'invalid_type' || (i.code === 'invalid_union' && (i.errors ?? []).every(isTypeMismatch))),
  );
}

/**
 * Every error leaves as { error: { code, message, details? } }. Validation errors name each field
 * (dotted path; "query.", "params." or "headers." prefixed when not from the body).
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let error: HeraldError;
    if (err instanceof HeraldError) {
      error = err;
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      // fastify calls the query string's context "querystring"; the API names it "query" everywhere
      const context = err.validationContext === 'querystring' ? 'query' : err.validationContext;
      const where = context && context !== 'body' ? `${context}.` : '';
      const details: ErrorDetail[] = err.validation.flatMap((issue) =>
        flattenIssue({ ...(issue.params as object), path: issue.instancePath.split('/').filter(Boolean), message: issue.message ?? 'is invalid', code: issue.keyword }).map((d) => ({
          field: where + (d.field || (where ? '' : 'body')),
          message: d.message,
        })),
      );
      const summary = details.map((d) => `${d.field}: ${d.message}`).join('; ');
      error = new HeraldError('validation_failed', summary, details);
    } else if (err.code && FASTIFY_CODES[err.code]) {
      error = (FASTIFY_CODES[err.code] as (e: FastifyError) => HeraldError)(err);
    } else if (isDatabaseUnavailable(err)) {
      request.log.error({ err }, 'database unavailable');
      void reply.header('retry-after', '5');
      error = new HeraldError('service_unavailable', 'the database is unavailable; retry later');
    } else if (err.statusCode && err.statusCode < 500) {
      error = new HeraldError('validation_failed', err.message);
    } else {
      request.log.error({ err }, 'unhandled error');
      error = new HeraldError('internal_error', `internal error (request ${request.id})`);
    }
    if (error.status === 401) void reply.header('www-authenticate', bearerChallenge(request.headers.authorization, error.message));
    return reply.status(error.status).send(error.toJSON());
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new HeraldError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(404).send(error.toJSON());
  });
}
