import type { ErrorCode, HeraldError } from '@herald/core';
import type { KeyExtractor } from '../../plugins/authenticate.ts';
import type { ErrorPresenter } from '../../plugins/error-handler.ts';

const MISSING_TOKEN = "Request does not contain a valid Server token: the X-Postmark-Server-Token header (a Herald API key) is missing";

/** Postmark's clients send the server token in X-Postmark-Server-Token; a Herald API key goes there. */
export const postmarkToken: KeyExtractor = (request) => {
  const token = request.headers['x-postmark-server-token'];
  return typeof token === 'string' && token.trim() ? { key: token.trim() } : { missing: MISSING_TOKEN };
};

/**
 * Postmark's ErrorCode numbers (and the HTTP statuses its clients sort errors by) for Herald's
 * registry codes: 10 bad server token, 300 invalid email request, 400 sender signature not found,
 * 405 not allowed to send, 406 inactive recipient, 1101 template not found; 0 where Postmark has none.
 */
const BY_CODE: Partial<Record<ErrorCode, { errorCode: number; status: number }>> = {
  unauthorized: { errorCode: 10, status: 401 },
  insufficient_scope: { errorCode: 10, status: 401 },
  validation_failed: { errorCode: 300, status: 422 },
  domain_not_verified: { errorCode: 400, status: 422 },
  quota_exceeded: { errorCode: 405, status: 422 },
  payload_too_large: { errorCode: 300, status: 413 },
};

/** Postmark's "Template not found". */
const TEMPLATE_NOT_FOUND = { errorCode: 1101, status: 422 };

/** A template a send names that the project does not have (intake's not_found, each detail at `…template.id`, `.alias` or `.version`). */
function isTemplateMiss(error: HeraldError): boolean {
  const details = Array.isArray(error.details) ? error.details : [];
  return error.code === 'not_found' && details.length > 0 && details.every((d) => /(^|\.)template\.(id|alias|version)$/.test(d.field));
}

/** The ErrorCode, HTTP status and Message Postmark would answer for a registry error. */
export function postmarkFailure(error: HeraldError): { status: number; body: { ErrorCode: number; Message: string } } {
  const mapped = (isTemplateMiss(error) ? TEMPLATE_NOT_FOUND : BY_CODE[error.code]) ?? { errorCode: 0, status: error.status };
  return { status: mapped.status, body: { ErrorCode: mapped.errorCode, Message: error.message } };
}

/** What Postmark answers: `{ ErrorCode, Message }`. */
export const postmarkErrorShape: ErrorPresenter = (error, _request, reply) => {
  const { status, body } = postmarkFailure(error);
  return reply.status(status).send(body);
};

/** Postmark's answer when every recipient of a message is inactive (on the suppression list). */
export const INACTIVE_RECIPIENTS = {
  ErrorCode: 406,
  Message: 'You tried to send to recipient(s) that have been marked as inactive (on the suppression list); nothing was sent.',
};
