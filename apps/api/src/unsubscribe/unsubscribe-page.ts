import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { ONE_CLICK_KEY, ONE_CLICK_VALUE } from './one-click-body.ts';

/**
 * The small HTML pages of one-click unsubscribe: the confirmation a GET shows (a form that posts the
 * one-click body to the same URL: link scanners prefetch GETs, so a GET never unsubscribes), the
 * answer to the POST, and the refusals. No script at all; the one inline style is allowed by its
 * hash, so the Content-Security-Policy needs no 'unsafe-inline'. Nothing from the request is
 * written into a page (the token stays in the URL, which the form posts back to by having no action).
 */
const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}';
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  // the token is in the URL: never sent on to another site, never kept by a shared cache
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
} as const;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${title}</h1>
${body}
</body>
</html>
`;
}

export const CONFIRM_PAGE = page(
  'Unsubscribe?',
  `<p>Stop receiving this sender's mail at this address?</p>
<form method="post"><input type="hidden" name="${ONE_CLICK_KEY}" value="${ONE_CLICK_VALUE}"><button type="submit">Unsubscribe</button></form>`,
);

export const DONE_PAGE = page('You are unsubscribed', "<p>This address will receive no more of this sender's mail through this service.</p>");

/** What a refusal says, by status: never the request's own text. */
const REFUSALS: Partial<Record<number, [title: string, body: string]>> = {
  400: ['This request cannot unsubscribe', '<p>The link is incomplete or the request was not a one-click unsubscribe. Open the link from the message again.</p>'],
  404: ['Unknown unsubscribe link', '<p>This link is not valid, or the message it belongs to no longer exists.</p>'],
  413: ['This request cannot unsubscribe', '<p>The request was too large.</p>'],
  415: ['This request cannot unsubscribe', '<p>The request was not a one-click unsubscribe.</p>'],
  429: ['Too many requests', '<p>Please wait a moment and try again.</p>'],
  503: ['Please try again later', '<p>The service is busy; nothing was changed. Please try again in a minute.</p>'],
};

export function refusalPage(status: number, code: string): string {
  const fallback: [string, string] = status < 500 ? ['This request cannot unsubscribe', '<p>The request was not a one-click unsubscribe.</p>'] : ['Something went wrong', '<p>Nothing was changed. Please try again later.</p>'];
  const [title, body] = REFUSALS[status] ?? fallback;
  return page(title, `${body}\n<p><small>(${code})</small></p>`);
}

export function sendPage(reply: FastifyReply, status: number, html: string): FastifyReply {
  return reply.status(status).headers(PAGE_HEADERS).send(html);
}
