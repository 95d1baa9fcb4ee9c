import { z } from 'zod';

/**
 * A vendor's field Herald does not support: absent is fine, any value is refused with `reason`, so
 * nothing a client sends is silently dropped.
 */
export function unsupported(reason: string) {
  return z
    .unknown()
    .refine(() => false, `is not supported: ${reason}`)
    .optional()
    .describe(`Not supported: ${reason}`);
}

/** A vendor's field Herald accepts and ignores (documented in docs/migrating.md), such as open and click tracking. */
export function ignored(what: string) {
  return z.unknown().optional().describe(`Accepted and ignored: ${what}`);
}
