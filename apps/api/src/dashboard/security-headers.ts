import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Every dashboard page: scripts and styles only from /dashboard/assets (no inline script or style),
 * forms only to the dashboard, no framing except the message preview's own sandboxed frame.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * A message's HTML, shown in an iframe: `sandbox` without allow-scripts makes it a unique origin that
 * runs no script, submits no form and opens nothing; nothing is loaded from the network either.
 */
export const PREVIEW_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

export async function securityHeaders(_request: FastifyRequest, reply: FastifyReply): Promise<void> {
  void reply.headers({
    'content-security-policy': DASHBOARD_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-store',
  });
}
