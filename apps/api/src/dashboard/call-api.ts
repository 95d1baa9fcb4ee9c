import type { FastifyInstance } from 'fastify';
import type { KeyContext } from '@herald/core';
import { lendPrincipal } from '../plugins/in-process-principal.ts';

export interface ApiAnswer<T> {
  status: number;
  /** The JSON body (or, for a non-JSON answer, undefined: see `raw`). */
  body: T;
  raw: Buffer;
  /** Herald's error shape, when the API refused. */
  error?: { code: string; message: string; details?: { field: string; message: string }[] };
}

/**
 * Calls the API's own route in-process, as `principal`: the dashboard never re-implements a rule,
 * a scope check or a presenter; what the API answers (including its errors) is what the page shows.
 */
export async function callApi<T>(
  app: FastifyInstance,
  principal: KeyContext,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<ApiAnswer<T>> {
  const lent = lendPrincipal(principal);
  try {
    const response = await app.inject({
      method,
      url,
      headers: { ...lent.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });
    const json = String(response.headers['content-type'] ?? '').startsWith('application/json') ? (JSON.parse(response.body || 'null') as unknown) : undefined;
    const error = response.statusCode >= 400 ? (json as { error?: ApiAnswer<T>['error'] } | undefined)?.error : undefined;
    return { status: response.statusCode, body: json as T, raw: response.rawPayload, ...(error ? { error } : {}) };
  } finally {
    lent.release();
  }
}

/** A query string from the given values, leaving out empty ones. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}
