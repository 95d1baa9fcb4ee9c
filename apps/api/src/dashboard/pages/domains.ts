import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { domainList, domainView } from '../../schemas/domains.ts';
import { callApi } from '../call-api.ts';
import { field, pageScope, sendPage } from '../context.ts';
import { errorPage } from '../views/error-page.ts';
import { copyable, statusBadge, when } from '../views/format.ts';
import { html, type Html } from '../views/html.ts';
import { csrfField, layout, notice, type Viewer } from '../views/layout.ts';
import { act, doneNotice } from './act.ts';

type Domain = z.infer<typeof domainView>;

function domainCard(viewer: Viewer, d: Domain): Html {
  const id = encodeURIComponent(d.id);
  return html`<section class="card" aria-labelledby="d-${d.id}">
<h2 id="d-${d.id}">${d.name} ${statusBadge(d.status)}</h2>
<p>Verified: ${when(d.verified_at)} · Last checked: ${when(d.last_checked_at)}</p>
<div class="actions">
<form method="post" action="/dashboard/domains/${id}/verify">${csrfField(viewer)}<button type="submit">Verify now <span class="sr-only">${d.name}</span></button></form>
<form method="post" action="/dashboard/domains/${id}/rotate-dkim" data-confirm="Rotate the DKIM key of ${d.name}?">${csrfField(viewer)}<button type="submit" class="secondary">Rotate DKIM <span class="sr-only">${d.name}</span></button></form>
<a class="button danger" href="/dashboard/domains/${id}/delete">Delete… <span class="sr-only">${d.name}</span></a>
</div>
<table class="responsive"><thead><tr><th scope="col">Record</th><th scope="col">Host</th><th scope="col">Value</th><th scope="col">Check</th></tr></thead><tbody>
${d.records.map(
  (r) => html`<tr><td data-label="Record">${r.kind} (${r.type})${r.required ? ' · required' : ''}<br><small>${r.purpose}</small></td>
<td data-label="Host">${copyable(r.host, `host of the ${r.kind} record`)}</td>
<td data-label="Value">${copyable(r.value, `value of the ${r.kind} record`)}</td>
<td data-label="Check">${!r.check ? 'not checked yet' : r.check.ok ? html`<span class="badge ok-check">found</span>` : html`<span class="badge bad-check">not right</span> ${r.check.problem ?? ''}`}</td></tr>`,
)}</tbody></table>
<p>DKIM keys: ${d.dkim_keys.map((k, i) => html`${i ? ', ' : ''}<code>${k.selector}</code> ${k.algorithm} ${statusBadge(k.status)}`)}</p>
</section>`;
}

/** Domains: each DNS record with its check and copy buttons; add, verify now, rotate DKIM, delete (after a confirmation page). */
export function domainsPages() {
  return async (app: FastifyInstance) => {
    const manage = { preHandler: pageScope('domains:manage') };
    app.get('/domains', manage, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const answer = await callApi<z.infer<typeof domainList>>(app, principal, 'GET', '/v1/domains');
      const list = answer.status === 200 ? answer.body.data : [];
      const body = html`${doneNotice(request)}${answer.status !== 200 ? notice('error', answer.error?.message ?? 'The domains could not be read.') : ''}
<form class="card" method="post" action="/dashboard/domains">${csrfField(viewer)}
<label for="domain-name">Add a sending domain</label><input id="domain-name" name="name" type="text" required placeholder="example.com" autocomplete="off">
<button type="submit">Add domain</button></form>
${list.length === 0 ? html`<p>No sending domains yet.</p>` : list.map((d) => domainCard(viewer, d))}`;
      return sendPage(reply, layout(viewer, { title: 'Domains', current: '/dashboard/domains', body }));
    });

    // deleting asks first, on a page of its own (works without the script); the API decides the rest
    app.get('/domains/:id/delete', manage, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const { id } = request.params as { id: string };
      const answer = await callApi<Domain>(app, principal, 'GET', `/v1/domains/${encodeURIComponent(id)}`);
      if (answer.status !== 200) return sendPage(reply, errorPage(viewer, answer.status, 'Domain not found', answer.error?.message ?? 'No such domain.'), answer.status);
      const d = answer.body;
      const body = html`<form class="card" method="post" action="/dashboard/domains/${encodeURIComponent(d.id)}/delete">${csrfField(viewer)}
<p>Delete <strong>${d.name}</strong> and its DKIM keys? Mail can no longer be sent from it; its DNS records may then be removed.</p>
<p>While messages from it wait to be sent, Herald refuses to delete it, unless you choose:</p>
<label class="inline"><input type="checkbox" name="force" value="true"> Delete anyway: messages waiting to be sent from it then fail (they are never sent unsigned)</label>
<div class="actions"><button type="submit" class="danger">Delete ${d.name}</button> <a href="/dashboard/domains">Cancel</a></div></form>`;
      return sendPage(reply, layout(viewer, { title: `Delete ${d.name}`, current: '/dashboard/domains', body }));
    });
    app.post('/domains/:id/delete', manage, async (request, reply) => {
      const { id } = request.params as { id: string };
      const force = field(request, 'force') === 'true';
      return act(app, request, reply, { method: 'DELETE', url: `/v1/domains/${encodeURIComponent(id)}${force ? '?force=true' : ''}`, back: '/dashboard/domains', done: 'domain-deleted' });
    });

    app.post('/domains', manage, async (request, reply) =>
      act(app, request, reply, { method: 'POST', url: '/v1/domains', body: { name: field(request, 'name') }, back: '/dashboard/domains', done: 'domain-added' }),
    );
    app.post('/domains/:id/verify', manage, async (request, reply) => {
      const { id } = request.params as { id: string };
      return act(app, request, reply, { method: 'POST', url: `/v1/domains/${encodeURIComponent(id)}/verify`, back: '/dashboard/domains', done: 'verified' });
    });
    app.post('/domains/:id/rotate-dkim', manage, async (request, reply) => {
      const { id } = request.params as { id: string };
      return act(app, request, reply, { method: 'POST', url: `/v1/domains/${encodeURIComponent(id)}/dkim/rotate`, back: '/dashboard/domains', done: 'rotated' });
    });
  };
}
