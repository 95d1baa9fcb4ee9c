/**
 * The parsed body, taken from Fastify's request: a route that hands its messages to intake lets go
 * of the body, so that a batch's text (megabytes) is garbage once intake has composed it, not
 * copied by every scavenge until the reply. Nothing reads the body after the handler.
 */
export function takeBody<T>(request: { body: T }): T {
  const { body } = request;
  (request as { body: unknown }).body = undefined;
  return body;
}
