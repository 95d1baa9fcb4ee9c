import { isDatabaseUnavailable, isHeraldError } from '@herald/core';
import { ENHANCED_CODE } from './enhanced-status-server.ts';

/**
 * An error smtp-server answers with the given reply code. The message begins with its RFC 3463 enhanced
 * status code, of the reply's class ("550", "5.7.1 …"), which is sent as the reply's one code (see
 * EnhancedStatusServer); a message without one, or with one of another class, is a bug and throws.
 */
export function smtpError(code: number, message: string): Error & { responseCode: number } {
  const enhanced = ENHANCED_CODE.exec(message);
  if (!enhanced || enhanced[1] !== String(code).charAt(0)) {
    throw new RangeError(`an SMTP ${code} reply must begin with an enhanced status code of class ${String(code).charAt(0)}: ${JSON.stringify(message)}`);
  }
  return Object.assign(new Error(message), { responseCode: code });
}

/**
 * The SMTP answer for an intake failure. Only a commit answers 250; everything else is a reply that
 * tells the client whether to retry (4xx) or not (5xx).
 */
export function replyForIntakeError(err: unknown): Error & { responseCode: number } {
  if (isHeraldError(err)) {
    switch (err.code) {
      case 'domain_not_verified':
      case 'insufficient_scope':
        return smtpError(550, `5.7.1 ${err.message}`);
      case 'payload_too_large':
        return smtpError(552, `5.3.4 ${err.message}`);
      case 'quota_exceeded':
        return smtpError(452, `4.7.0 ${err.message}`);
      case 'idempotency_conflict':
        return smtpError(554, `5.7.0 ${err.message}`);
      case 'validation_failed':
      case 'not_found':
        // not_found: a template the message names is not the project's
        return smtpError(554, `5.6.0 ${err.message}`);
      default:
        break;
    }
  }
  if (isDatabaseUnavailable(err)) return smtpError(451, '4.3.0 Temporary failure: the message was not stored, try again later');
  return smtpError(451, '4.3.0 Temporary local problem, try again later');
}
