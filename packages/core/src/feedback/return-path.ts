import { deriveTokenKey, type TokenKey } from './token-keys.ts';
import { verpAddress } from './verp-address.ts';

/**
 * The envelope sender of one SMTP transaction: the signed VERP return path on the return-path domain,
 * naming the recipient when the transaction carries one RCPT and the message when it carries several
 * (the bounce's Final-Recipient then says which). The key is derived once per master key.
 */
const verpKeys = new WeakMap<Buffer, TokenKey>();

export function verpKeyOf(masterKey: Buffer): TokenKey {
  let key = verpKeys.get(masterKey);
  if (!key) {
    key = deriveTokenKey(masterKey, 'verp');
    verpKeys.set(masterKey, key);
  }
  return key;
}

export function returnPathFor(masterKey: Buffer, delivery: { messageId: string; recipientIds: readonly string[] }, domain: string): string {
  const only = delivery.recipientIds.length === 1 ? delivery.recipientIds[0] : undefined;
  const subject = only ? ({ kind: 'recipient', id: only } as const) : ({ kind: 'message', id: delivery.messageId } as const);
  return verpAddress(verpKeyOf(masterKey), subject, domain);
}
