import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, HeraldError, isDatabaseUnavailable, type ErrorCode, type ErrorDetail } from '@herald/core';
import { bearerChallenge } from './bearer-challenge.ts';

/** fastify's maxParamLength: a longer id or address in a path answers 414 uri_too_long. */
export const MAX_PATH_PARAM_LENGTH = 512;

/** Fastify's own errors that are the client's fault, mapped to registry codes. */
const FASTIFY_CODES: Record<string, (err: FastifyError) => HeraldError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new HeraldError('payload_too_large', 'the request body is larger than the limit'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new HeraldError('unsupported_media_type', 'the body must be application/json'),
  FST_ERR_CTP_INVALID_JSON_BODY: () =>
    new HeraldError('validation_failed', 'body: not valid JSON', [{ field: 'body', message: 'must be valid JSON' }]),
  FST_ERR_CTP_EMPTY_JSON_BODY: () =>
    new HeraldError('validation_failed', 'body: empty', [{ field: 'body', message: 'must be a JSON object' }]),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new HeraldError('bad_request', 'the body is not as long as its Content-Length says'),
  // from the router (through frameworkErrors): `%ff`, `%zz` or an encoded surrogate in the path
  FST_ERR_BAD_URL: () =>
    new HeraldError('validation_failed', 'path: must be valid percent-encoded UTF-8', [
      { field: 'path', message: 'must be valid percent-encoded UTF-8' },
    ]),
  FST_ERR_MAX_PARAM_LENGTH: () =>
    new HeraldError('uri_too_long', `a value in the path is longer than ${MAX_PATH_PARAM_LENGTH} characters`),
};

/** Another client error fastify raises, by its status; anything else 4xx is a bad request. */
const BY_STATUS: Partial<Record<number, ErrorCode>> = Object.fromEntries(
  (['not_found', 'method_not_allowed', 'payload_too_large', 'uri_too_long', 'unsupported_media_type', 'header_fields_too_large'] as const).map(
    (code) => [ERROR_CODES[code].status, code],
  ),
);

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

/** The registry error an error thrown anywhere in a request's handling stands for. */
function heraldErrorOf(err: FastifyError, request: FastifyRequest, reply: FastifyReply): HeraldError {
  if (err instanceof HeraldError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
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
    return new HeraldError('validation_failed', summary, details);
  }
  const known = err.code ? FASTIFY_CODES[err.code] : undefined;
  if (known) return known(err);
  if (isDatabaseUnavailable(err)) {
    request.log.error({ err }, 'database unavailable');
    void reply.header('retry-after', '5');
    return new HeraldError('service_unavailable', 'the database is unavailable; retry later');
  }
  if (err.statusCode && err.statusCode < 500) return new HeraldError(BY_STATUS[err.statusCode] ?? 'bad_request', err.message);
  request.log.error({ err }, 'unhandled error');
  return new HeraldError('internal_error', `internal error (request ${request.id})`);
}

/**
 * How a scope of routes answers an error that is already a registry error: Herald's own shape by
 * default; a vendor-compatible scope answers in its vendor's shape, from the same registry errors.
 */
export type ErrorPresenter = (error: HeraldError, request: FastifyRequest, reply: FastifyReply) => FastifyReply;

/** Herald's shape, { error: { code, message, details? } }; a 401 carries its WWW-Authenticate challenge. */
export const heraldErrorShape: ErrorPresenter = (error, request, reply) => {
  if (error.status === 401) void reply.header('www-authenticate', bearerChallenge(request.headers.authorization, error.message));
  return reply.status(error.status).send(error.toJSON());
};

/**
 * Every error of the scope becomes a registry error (validation errors naming each field, as a dotted
 * path with "query.", "params." or "headers." prefixed when not from the body), then is answered by
 * `present`; so are requests for routes the scope does not have.
 */
export function registerErrorHandler(app: FastifyInstance, present: ErrorPresenter = heraldErrorShape): void {
  app.setErrorHandler((err: FastifyError, request, reply) => present(heraldErrorOf(err, request, reply), request, reply));
  app.setNotFoundHandler((request, reply) => present(new HeraldError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`), request, reply));
}

/**
 * fastify's `frameworkErrors` option: what the router refuses before any route runs (bad
 * percent-encoding in the path, an overlong path value) answered like every other error.
 */
export function answerFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void heraldErrorShape(heraldErrorOf(err, request, reply), request, reply);
}
