import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { suppressionList } from '../../schemas/suppressions.ts';
import { callApi, query } from '../call-api.ts';
import { field, pageScope, sendPage } from '../context.ts';
import { when } from '../views/format.ts';
import { html } from '../views/html.ts';
import { csrfField, layout, notice } from '../views/layout.ts';
import { act, doneNotice } from './act.ts';

/** Suppressions: search, add, remove. */
export function suppressionPages() {
  return async (app: FastifyInstance) => {
    const manage = { preHandler: pageScope('suppressions:manage') };
    app.get('/suppressions', manage, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const q = request.query as Record<string, unknown>;
      const email = typeof q.email === 'string' ? q.email : '';
      const cursor = typeof q.cursor === 'string' ? q.cursor : '';
      const answer = await callApi<z.infer<typeof suppressionList>>(app, principal, 'GET', `/v1/suppressions${query({ limit: 50, email, cursor })}`);
      const rows = answer.status === 200 ? answer.body.data : [];
      const body = html`${doneNotice(request)}${answer.status !== 200 ? notice('error', answer.error?.message ?? 'The list could not be read.') : ''}
<div class="cards">
<form class="card" method="get" action="/dashboard/suppressions" role="search" aria-label="Search suppressions">
<label for="s-email">Search addresses</label><input id="s-email" name="email" type="text" value="${email}">
<button type="submit">Search</button></form>
<form class="card" method="post" action="/dashboard/suppressions">${csrfField(viewer)}
<label for="s-add">Suppress an address</label><input id="s-add" name="email" type="email" required autocomplete="off">
<label for="s-note">Note</label><input id="s-note" name="note" type="text" maxlength="500">
<button type="submit">Add</button></form></div>
<table class="responsive"><thead><tr><th scope="col">Address</th><th scope="col">Reason</th><th scope="col">Note</th><th scope="col">Since</th><th scope="col">Remove</th></tr></thead><tbody>
${rows.map(
  (s) => html`<tr><td data-label="Address">${s.email}</td><td data-label="Reason">${s.reason}</td><td data-label="Note">${s.note ?? ''}</td><td data-label="Since">${when(s.created_at)}</td>
<td data-label="Remove"><form method="post" action="/dashboard/suppressions/remove" data-confirm="Send to ${s.email} again?">${csrfField(viewer)}<input type="hidden" name="email" value="${s.email}"><button type="submit" class="danger">Remove <span class="sr-only">${s.email}</span></button></form></td></tr>`,
)}</tbody></table>
${rows.length === 0 ? html`<p>No suppressed addresses${email ? ' match' : ''}.</p>` : ''}
${answer.status === 200 && answer.body.next_cursor ? html`<p><a rel="next" href="/dashboard/suppressions${query({ email, cursor: answer.body.next_cursor })}">Next page</a></p>` : ''}`;
      return sendPage(reply, layout(viewer, { title: 'Suppressions', current: '/dashboard/suppressions', body }), answer.status === 400 ? 400 : 200);
    });

    app.post('/suppressions', manage, async (request, reply) => {
      const note = field(request, 'note');
      return act(app, request, reply, {
        method: 'POST',
        url: '/v1/suppressions',
        body: { email: field(request, 'email'), ...(note ? { note } : {}) },
        back: '/dashboard/suppressions',
        done: 'suppressed',
      });
    });
    app.post('/suppressions/remove', manage, async (request, reply) =>
      act(app, request, reply, {
        method: 'DELETE',
        url: `/v1/suppressions/${encodeURIComponent(field(request, 'email'))}`,
        back: '/dashboard/suppressions',
        done: 'unsuppressed',
      }),
    );
  };
}
