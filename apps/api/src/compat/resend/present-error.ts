import type { ErrorCode, HeraldError } from '@herald/core';
import type { KeyExtractor } from '../../plugins/authenticate.ts';
import { bearerKey } from '../../plugins/authenticate.ts';
import type { ErrorPresenter } from '../../plugins/error-handler.ts';

const MISSING_KEY = 'Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY';

/** Resend's clients send `Authorization: Bearer <key>`; a Herald API key goes there. */
export const resendKey: KeyExtractor = (request) => {
  const found = bearerKey(request);
  return 'key' in found ? found : { missing: MISSING_KEY };
};

/** Resend's error names (its clients' RESEND_ERROR_CODE_KEY) and statuses, for Herald's registry codes. */
const BY_CODE: Partial<Record<ErrorCode, { name: string; status?: number }>> = {
  validation_failed: { name: 'validation_error', status: 422 },
  insufficient_scope: { name: 'restricted_api_key', status: 401 },
  domain_not_verified: { name: 'validation_error', status: 403 },
  not_found: { name: 'not_found' },
  method_not_allowed: { name: 'method_not_allowed' },
  idempotency_conflict: { name: 'invalid_idempotent_request' },
  rate_limited: { name: 'rate_limit_exceeded' },
  quota_exceeded: { name: 'daily_quota_exceeded' },
  internal_error: { name: 'internal_server_error' },
  service_unavailable: { name: 'application_error' },
};

/** "Invalid `to.1` field: must be an email address" for each field named, as Resend words it. */
function describe(error: HeraldError): string {
  const details = Array.isArray(error.details) ? error.details : [];
  if (error.code !== 'validation_failed' || details.length === 0) return error.message;
  return details.map((d) => `Invalid \`${d.field}\` field: ${d.message}`).join('; ');
}

/** What Resend answers: `{ statusCode, name, message }`. */
export const resendErrorShape: ErrorPresenter = (error, _request, reply) => {
  let mapped = BY_CODE[error.code] ?? { name: 'validation_error' };
  if (error.code === 'unauthorized') mapped = error.message === MISSING_KEY ? { name: 'missing_api_key', status: 401 } : { name: 'invalid_api_key', status: 403 };
  const details = Array.isArray(error.details) ? error.details : [];
  if (error.code === 'validation_failed' && details.length > 0 && details.every((d) => d.field.startsWith('headers.idempotency-key'))) {
    mapped = { name: 'invalid_idempotency_key', status: 400 };
  }
  const status = mapped.status ?? error.status;
  return reply.status(status).send({ statusCode: status, name: mapped.name, message: describe(error) });
};
