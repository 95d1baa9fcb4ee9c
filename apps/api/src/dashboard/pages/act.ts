import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { callApi } from '../call-api.ts';
import { sendPage } from '../context.ts';
import { html } from '../views/html.ts';
import { layout, notice } from '../views/layout.ts';

/** What a page says after an action succeeded: fixed words chosen by a code in the URL (never text from it). */
export const DONE: Record<string, string> = {
  'domain-added': 'The domain was added: publish its records, then verify it.',
  'domain-deleted': 'The domain and its DKIM keys were deleted.',
  verified: 'The records were looked up again.',
  rotated: 'A new DKIM key is waiting for its record; the old one signs until it is found.',
  revoked: 'The key was revoked: it stops working at once.',
  'webhook-saved': 'The endpoint was saved.',
  'webhook-deleted': 'The endpoint was deleted, with its pending deliveries.',
  'test-sent': 'A test event was queued for the endpoint.',
  retried: 'The delivery was queued again.',
  replayed: 'The deliveries in the range were queued again.',
  suppressed: 'The address was added to the suppression list.',
  unsuppressed: 'The address was removed from the suppression list.',
};

export function doneNotice(request: FastifyRequest) {
  const code = (request.query as Record<string, unknown>).done;
  return typeof code === 'string' && DONE[code] ? notice('ok', DONE[code]) : '';
}

/**
 * A form's action, done by the API's own route: on success back to `back` with a `done` notice
 * (303, so a reload does not post again); refused, a page with the API's own words and status.
 */
export async function act(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  call: { method: 'POST' | 'DELETE' | 'PATCH'; url: string; body?: unknown; back: string; done: keyof typeof DONE },
): Promise<FastifyReply> {
  const { principal, viewer } = request.dashboard;
  if (!principal) return reply.redirect('/dashboard/sign-in', 303);
  const answer = await callApi(app, principal, call.method, call.url, call.body);
  if (answer.status < 300) return reply.redirect(`${call.back}${call.back.includes('?') ? '&' : '?'}done=${call.done}`, 303);
  return refused(reply, viewer, answer.status, answer.error?.message ?? `refused (${answer.status})`, call.back);
}

export function refused(reply: FastifyReply, viewer: FastifyRequest['dashboard']['viewer'], status: number, message: string, back: string): FastifyReply {
  return sendPage(
    reply,
    layout(viewer, { title: 'Not done', current: '', body: html`${notice('error', message)}<p><a href="${back}">Back</a></p>` }),
    status,
  );
}
