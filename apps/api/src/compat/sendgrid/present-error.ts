import type { ErrorCode, HeraldError } from '@herald/core';
import { bearerKey, type KeyExtractor } from '../../plugins/authenticate.ts';
import type { ErrorPresenter } from '../../plugins/error-handler.ts';

/** SendGrid's clients send `Authorization: Bearer <key>`; a Herald API key goes there. */
export const sendgridKey: KeyExtractor = (request) => {
  const found = bearerKey(request);
  return 'key' in found ? found : { missing: 'Authorization: Bearer <api key> is required (a Herald API key)' };
};

/** SendGrid's statuses where they differ from Herald's. */
const STATUS: Partial<Record<ErrorCode, number>> = { validation_failed: 400 };

/** Messages SendGrid's users will recognise, for the errors that have one. */
const MESSAGE: Partial<Record<ErrorCode, (error: HeraldError) => string>> = {
  unauthorized: (e) => `The provided authorization grant is invalid, expired, or revoked: ${e.message}`,
  domain_not_verified: (e) => `The from address does not match a verified Sender Identity: ${e.message}`,
  insufficient_scope: (e) => `access forbidden: ${e.message}`,
};

/** What SendGrid answers: `{ errors: [{ message, field, help }] }`, one entry per field named. */
export const sendgridErrorShape: ErrorPresenter = (error, _request, reply) => {
  const details = Array.isArray(error.details) ? error.details : [];
  const errors =
    error.code === 'validation_failed' && details.length > 0
      ? details.map((d) => ({ message: d.message, field: d.field, help: null }))
      : [{ message: MESSAGE[error.code]?.(error) ?? error.message, field: null, help: null }];
  return reply.status(STATUS[error.code] ?? error.status).send({ errors });
};
