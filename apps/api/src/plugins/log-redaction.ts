import type { FastifyRequest } from 'fastify';
import { UNSUBSCRIBE_PATH, type Logger } from '@herald/core';

const REDACTED = '[redacted]';
/** Herald's key format (hk_live_/hk_test_ + base62): redacted wherever it appears in a logged path. */
const KEY_SHAPED = /hk_(?:live|test)_[A-Za-z0-9]+/g;
/** The path segment after /unsubscribe/: a recipient's one-click unsubscribe token, as good as a password for that address. */
const UNSUBSCRIBE_TOKEN = new RegExp(`(${UNSUBSCRIBE_PATH}/)[^/]+`, 'gi');
/** Query parameter names kept in logs: short lowercase identifiers, like every name the API reads. */
const PLAIN_NAME = /^[a-z][a-z0-9_]{0,31}$/;

/**
 * The request URL as it may be logged: the path (with anything shaped like an API key, and an
 * unsubscribe token, redacted) and
 * the query with every value redacted, and every name that is not a plain identifier, so that a key
 * sent as `?api_key=…` (refused, but sent all the same) never reaches a log.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q === -1 ? url : url.slice(0, q)).replace(KEY_SHAPED, REDACTED).replace(UNSUBSCRIBE_TOKEN, `$1${REDACTED}`);
  if (q === -1) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      if (!PLAIN_NAME.test(name)) return REDACTED;
      return eq === -1 || eq === pair.length - 1 ? pair : `${name}=${REDACTED}`;
    })
    .join('&');
  return `${path}?${query}`;
}

/** fastify's `req` log serializer, with the URL redacted (headers are not logged at all). */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * The logger fastify is given: the process's own, with the `req` serializer above in place of
 * fastify's (which logs the URL as sent). A child's serializers win over fastify's defaults.
 */
export function requestLogger(log: Logger): Logger {
  return log.child({}, { serializers: { req: serializeRequest } });
}
