import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { SCOPES } from '@herald/core';
import type { apiKeyList, createdApiKey } from '../../schemas/api-keys.ts';
import { callApi } from '../call-api.ts';
import { field, fields, pageScope, sendPage } from '../context.ts';
import { copyable, statusBadge, when } from '../views/format.ts';
import { html, type Html } from '../views/html.ts';
import { csrfField, layout, notice, type Viewer } from '../views/layout.ts';
import { act, doneNotice, refused } from './act.ts';

type Created = z.infer<typeof createdApiKey>;

function createForm(viewer: Viewer): Html {
  return html`<form class="card" method="post" action="/dashboard/api-keys">${csrfField(viewer)}
<h2>Create a key</h2>
<label for="key-name">Name</label><input id="key-name" name="name" type="text" required maxlength="100" autocomplete="off">
<fieldset class="checks"><legend>Scopes</legend>
${SCOPES.map((s) => html`<label><input type="checkbox" name="scopes" value="${s}"${s === 'messages:send' ? html` checked` : ''}> ${s}</label>`)}
</fieldset>
<label for="key-mode">Mode</label><select id="key-mode" name="mode"><option value="live">live</option><option value="test">test (reaches nobody)</option></select>
<p><button type="submit">Create key</button></p></form>`;
}

function shownOnce(key: Created, what: string): Html {
  return html`<div class="notice ok" role="status"><p><strong>${what}</strong> Copy it now: it is shown this once.</p>
<p class="secret" data-secret>${copyable(key.key, 'the new key')}</p></div>`;
}

/** API keys: create with scopes (the key shown once), revoke, roll. */
export function apiKeyPages() {
  return async (app: FastifyInstance) => {
    const manage = { preHandler: pageScope('keys:manage') };

    async function render(request: FastifyRequest, reply: FastifyReply, top: Html | string = '') {
      const { principal, viewer } = request.dashboard;
      if (!principal) return reply;
      const answer = await callApi<z.infer<typeof apiKeyList>>(app, principal, 'GET', '/v1/api-keys');
      const keys = answer.status === 200 ? answer.body.data : [];
      const body = html`${top}${doneNotice(request)}${answer.status !== 200 ? notice('error', answer.error?.message ?? 'The keys could not be read.') : ''}
${createForm(viewer)}
<h2>Keys</h2>
<table class="responsive"><thead><tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Scopes</th><th scope="col">Mode</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead><tbody>
${keys.map((k) => {
  const id = encodeURIComponent(k.id);
  return html`<tr><td data-label="Name">${k.name}</td><td data-label="Prefix"><code>${k.prefix}…</code></td><td data-label="Scopes">${k.scopes.join(', ')}</td><td data-label="Mode">${k.mode}</td>
<td data-label="Last used">${when(k.last_used_at)}</td><td data-label="State">${k.revoked_at ? statusBadge('revoked') : k.expires_at ? html`expires ${when(k.expires_at)}` : statusBadge('active')}</td>
<td data-label="Actions">${k.revoked_at ? '' : html`<div class="actions">
<form method="post" action="/dashboard/api-keys/${id}/roll" data-confirm="Roll ${k.name}? The old key keeps working for a day.">${csrfField(viewer)}<button type="submit" class="secondary">Roll <span class="sr-only">${k.name}</span></button></form>
<form method="post" action="/dashboard/api-keys/${id}/revoke" data-confirm="Revoke ${k.name}? It stops working at once.">${csrfField(viewer)}<button type="submit" class="danger">Revoke <span class="sr-only">${k.name}</span></button></form></div>`}</td></tr>`;
})}</tbody></table>`;
      return sendPage(reply, layout(viewer, { title: 'API keys', current: '/dashboard/api-keys', body }));
    }

    app.get('/api-keys', manage, async (request, reply) => render(request, reply));

    app.post('/api-keys', manage, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const answer = await callApi<Created>(app, principal, 'POST', '/v1/api-keys', {
        name: field(request, 'name'),
        scopes: fields(request, 'scopes'),
        mode: field(request, 'mode') || 'live',
      });
      if (answer.status !== 201) return refused(reply, viewer, answer.status, answer.error?.message ?? 'refused', '/dashboard/api-keys');
      return render(request, reply, shownOnce(answer.body, `Key “${answer.body.name}” created.`));
    });

    app.post('/api-keys/:id/roll', manage, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const { id } = request.params as { id: string };
      const answer = await callApi<Created>(app, principal, 'POST', `/v1/api-keys/${encodeURIComponent(id)}/roll`, {});
      if (answer.status !== 201) return refused(reply, viewer, answer.status, answer.error?.message ?? 'refused', '/dashboard/api-keys');
      return render(request, reply, shownOnce(answer.body, `Key “${answer.body.name}” rolled; the old one works for a day more.`));
    });

    app.post('/api-keys/:id/revoke', manage, async (request, reply) => {
      const { id } = request.params as { id: string };
      return act(app, request, reply, { method: 'DELETE', url: `/v1/api-keys/${encodeURIComponent(id)}`, back: '/dashboard/api-keys', done: 'revoked' });
    });
  };
}
