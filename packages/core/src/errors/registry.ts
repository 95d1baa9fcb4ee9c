/**
 * The one registry of error codes. Every error Herald answers with has a stable string code (part of
 * the API contract: clients switch on it) and an HTTP status. docs/errors.md lists them; a test keeps
 * that list and this table in step.
 */
export const ERROR_CODES = {
  validation_failed: { status: 400, summary: 'The request is malformed; details name each field and rule.' },
  bad_request: { status: 400, summary: 'The request is not valid HTTP/1.1 (framing, request line or header syntax).' },
  unauthorized: { status: 401, summary: 'No API key, or the key is unknown, malformed, revoked or expired.' },
  insufficient_scope: { status: 403, summary: 'The key lacks the scope or domain this request needs.' },
  cross_site_request: { status: 403, summary: 'A change on a browser page (the queue board) did not come from the page itself.' },
  domain_not_verified: { status: 403, summary: "The sender's domain is not a verified domain of the project." },
  not_found: { status: 404, summary: 'No such resource in this project.' },
  method_not_allowed: { status: 405, summary: 'The resource does not support this method.' },
  request_timeout: { status: 408, summary: 'The request did not arrive completely in time.' },
  idempotency_conflict: { status: 409, summary: 'The Idempotency-Key was used with a different request.' },
  conflict: { status: 409, summary: 'The resource is in a state that does not allow this action.' },
  payload_too_large: { status: 413, summary: 'The request body or the message is larger than the limit.' },
  uri_too_long: { status: 414, summary: 'A value in the path (an id, an address) is longer than the limit.' },
  unsupported_media_type: { status: 415, summary: 'The body must be application/json.' },
  expectation_failed: { status: 417, summary: 'The Expect header asks for something other than 100-continue.' },
  rate_limited: { status: 429, summary: 'Too many requests; retry after the Retry-After header.' },
  quota_exceeded: { status: 429, summary: "The project's daily sending quota is used up." },
  header_fields_too_large: { status: 431, summary: 'The request line and headers are larger than the limit.' },
  internal_error: { status: 500, summary: 'Something failed on the server; the request id is in the logs.' },
  service_unavailable: { status: 503, summary: 'A dependency (Postgres) is unreachable, or the server is shutting down; retry later.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  /** Dotted path of the offending field, e.g. "to.2" or "from.email". */
  field: string;
  /** What rule the field broke, in words. */
  message: string;
}

/** An error meant for the client: code from the registry, a human message, optional details. */
export class HeraldError extends Error {
  override name = 'HeraldError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[] | Record<string, unknown>,
  ) {
    super(message);
    this.status = ERROR_CODES[code].status;
  }

  toJSON(): { error: { code: ErrorCode; message: string; details?: unknown } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export function isHeraldError(err: unknown): err is HeraldError {
  return err instanceof HeraldError;
}
