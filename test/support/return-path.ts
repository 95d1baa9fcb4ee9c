import { verpAddress, verpKeyOf } from '@herald/core';
import { TEST_MASTER_KEY } from './env.ts';

/**
 * The signed VERP return path Herald (running with the test master key) uses as the envelope sender:
 * naming the recipient (one RCPT) or the message (several).
 */
export function expectedReturnPath(kind: 'recipient' | 'message', id: string, domain: string): string {
  return verpAddress(verpKeyOf(Buffer.from(TEST_MASTER_KEY, 'base64')), { kind, id }, domain);
}
