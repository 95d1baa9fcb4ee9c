import { deriveTokenKey, type TokenKey } from './token-keys.ts';
import { listUnsubscribeHeaders } from './unsubscribe-token.ts';

/**
 * Where one-click unsubscribe links point and what a sent message carries, for the worker (which
 * writes the headers) and the API (which answers the links): the path is fixed here once.
 */
export const UNSUBSCRIBE_PATH = '/unsubscribe';

/** HERALD_PUBLIC_URL as the base the token is appended to: https://mail.example.com/unsubscribe/. */
export function unsubscribeUrlBase(publicUrl: string): string {
  const url = new URL(publicUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${UNSUBSCRIBE_PATH}/`;
  return url.toString();
}

export interface UnsubscribeLinkSettings {
  /** HERALD_PUBLIC_URL: the https address of the API. */
  publicUrl: string;
  /** HERALD_BOUNCE_HOST: the inbound MX that receives the mailto form; without it, only the URL is given. */
  bounceHost?: string | undefined;
}

const keys = new WeakMap<Buffer, TokenKey>();

/** The unsubscribe token key derived from the master key, once per key. */
export function unsubscribeKey(masterKey: Buffer): TokenKey {
  let key = keys.get(masterKey);
  if (!key) {
    key = deriveTokenKey(masterKey, 'unsubscribe');
    keys.set(masterKey, key);
  }
  return key;
}

/**
 * The header lines (CRLF-terminated, List-Unsubscribe folded after its comma so no line runs long)
 * that one recipient's copy carries: its own signed token in the HTTPS URL and the mailto.
 */
export function unsubscribeHeaderLines(masterKey: Buffer, recipientId: string, settings: UnsubscribeLinkSettings): string {
  const headers = listUnsubscribeHeaders(unsubscribeKey(masterKey), { kind: 'recipient', id: recipientId }, {
    urlBase: unsubscribeUrlBase(settings.publicUrl),
    mailDomain: settings.bounceHost,
  });
  return `List-Unsubscribe: ${headers['List-Unsubscribe'].replace('>, <', '>,\r\n <')}\r\nList-Unsubscribe-Post: ${headers['List-Unsubscribe-Post']}\r\n`;
}
