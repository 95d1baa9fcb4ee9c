import type { components } from './schema.d.ts';

/** Herald's error body: `{ error: { code, message, details? } }`. */
export type HeraldErrorBody = components['schemas']['Error'];

/** One problem with the request: the field (`to.1`, `messages.3.subject`, `header.from`) and the rule it broke. */
export interface HeraldErrorDetail {
  field: string;
  message: string;
}

/**
 * An answer Herald gave with an error status (or that was not Herald's at all): the HTTP status and
 * Herald's registered error code, message and per-field details.
 */
export class HeraldApiError extends Error {
  override readonly name = 'HeraldApiError';
  readonly status: number;
  /** Herald's error code (`validation_failed`, `domain_not_verified`, `unauthorized`, …); `http_<status>` when the body was not Herald's. */
  readonly code: HeraldErrorBody['error']['code'] | `http_${number}`;
  readonly details: HeraldErrorDetail[];
  /** The error body as received. */
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    const error = herald(body);
    super(error ? `${error.code}: ${error.message}` : `HTTP ${status}`);
    this.status = status;
    this.code = error?.code ?? `http_${status}`;
    this.details = error?.details ?? [];
    this.body = body;
  }
}

function herald(body: unknown): { code: HeraldErrorBody['error']['code']; message: string; details?: HeraldErrorDetail[] } | null {
  const error = (body as { error?: unknown } | null)?.error as { code?: unknown; message?: unknown; details?: unknown } | undefined;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') return null;
  const details = Array.isArray(error.details) ? (error.details as HeraldErrorDetail[]) : undefined;
  return { code: error.code as HeraldErrorBody['error']['code'], message: error.message, ...(details ? { details } : {}) };
}

/** An openapi-fetch result's data, or its error thrown as a HeraldApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw new HeraldApiError(result.response.status, result.error);
  return result.data as T;
}
