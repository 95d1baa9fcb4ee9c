import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '@herald/core';
import type { createdWebhook, deliveryList, secretView, webhookList, webhookView } from '../../schemas/webhooks.ts';
import { callApi } from '../call-api.ts';
import { field, fields, pageScope, sendPage } from '../context.ts';
import { errorPage } from '../views/error-page.ts';
import { copyable, statusBadge, when } from '../views/format.ts';
import { html, type Html } from '../views/html.ts';
import { csrfField, layout, notice, type Viewer } from '../views/layout.ts';
import { act, doneNotice, refused } from './act.ts';

type Webhook = z.infer<typeof webhookView>;

function secretOnce(secret: string, what: string): Html {
  return html`<div class="notice ok" role="status"><p><strong>${what}</strong> Copy the signing secret now: it is shown this once.</p>
<p class="secret" data-secret>${copyable(secret, 'the signing secret')}</p></div>`;
}

/** The endpoint's fields, empty to add one or filled to change one (the API's PATCH takes the same). */
function endpointFields(prefix: string, w?: Webhook): Html {
  return html`<label for="${prefix}-url">URL</label><input id="${prefix}-url" name="url" type="url" required placeholder="https://example.com/herald" value="${w?.url ?? ''}">
<label for="${prefix}-desc">Description</label><input id="${prefix}-desc" name="description" type="text" maxlength="500" value="${w?.description ?? ''}">
<fieldset class="checks"><legend>Events</legend>
${WEBHOOK_EVENT_TYPES.map((e) => html`<label><input type="checkbox" name="events" value="${e}"${!w || w.events.includes(e) ? html` checked` : ''}> ${e}</label>`)}</fieldset>`;
}

function createForm(viewer: Viewer): Html {
  return html`<form class="card" method="post" action="/dashboard/webhooks">${csrfField(viewer)}
<h2>Add an endpoint</h2>
${endpointFields('wh')}
<p><button type="submit">Add endpoint</button></p></form>`;
}

function editForm(viewer: Viewer, w: Webhook, base: string): Html {
  return html`<form class="card" method="post" action="${base}">${csrfField(viewer)}
<h2>Edit the endpoint</h2>
${endpointFields('edit', w)}
<label class="inline"><input type="checkbox" name="enabled" value="true"${w.enabled ? html` checked` : ''}> Enabled (turning it on again clears a disabling)</label>
<p><button type="submit">Save endpoint</button></p></form>
<form method="post" action="${base}/delete" data-confirm="Delete the endpoint ${w.url}? Its pending deliveries go with it.">${csrfField(viewer)}<button type="submit" class="danger">Delete endpoint</button></form>`;
}

/** Webhooks: endpoints, each with its delivery log, retry, replay, test, secret rotation, edit and delete. */
export function webhookPages() {
  return async (app: FastifyInstance) => {
    const manage = { preHandler: pageScope('webhooks:manage') };

    async function list(request: FastifyRequest, reply: FastifyReply, top: Html | string = '') {
      const { principal, viewer } = request.dashboard;
      if (!principal) return reply;
      const answer = await callApi<z.infer<typeof webhookList>>(app, principal, 'GET', '/v1/webhooks');
      const hooks = answer.status === 200 ? answer.body.data : [];
      const body = html`${top}${doneNotice(request)}${answer.status !== 200 ? notice('error', answer.error?.message ?? 'The endpoints could not be read.') : ''}
${createForm(viewer)}<h2>Endpoints</h2>
<table class="responsive"><thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th></tr></thead><tbody>
${hooks.map(
  (w) => html`<tr><td data-label="URL"><a href="/dashboard/webhooks/${encodeURIComponent(w.id)}">${w.url}</a>${w.description ? html`<br><small>${w.description}</small>` : ''}</td>
<td data-label="Events">${w.events.join(', ')}</td><td data-label="State">${w.disabled_at ? html`${statusBadge('failed')} disabled: ${w.disabled_reason ?? ''}` : w.failing_since ? html`${statusBadge('deferred')} failing since ${when(w.failing_since)}` : w.enabled ? statusBadge('active') : 'paused'}</td></tr>`,
)}</tbody></table>`;
      return sendPage(reply, layout(viewer, { title: 'Webhooks', current: '/dashboard/webhooks', body }));
    }

    async function detail(request: FastifyRequest, reply: FastifyReply, top: Html | string = '') {
      const { principal, viewer } = request.dashboard;
      if (!principal) return reply;
      const { id } = request.params as { id: string };
      const path = `/v1/webhooks/${encodeURIComponent(id)}`;
      const [hook, deliveries] = await Promise.all([
        callApi<Webhook>(app, principal, 'GET', path),
        callApi<z.infer<typeof deliveryList>>(app, principal, 'GET', `${path}/deliveries?limit=50`),
      ]);
      if (hook.status !== 200) return sendPage(reply, errorPage(viewer, hook.status, 'Webhook not found', hook.error?.message ?? 'No such webhook.'), hook.status);
      const w = hook.body;
      const base = `/dashboard/webhooks/${encodeURIComponent(w.id)}`;
      const now = new Date();
      const dayAgo = new Date(now.getTime() - 86_400_000);
      const local = (d: Date) => d.toISOString().slice(0, 16);
      const body = html`${top}${doneNotice(request)}
<p><a href="/dashboard/webhooks">All endpoints</a> · ${w.url} · ${w.events.join(', ')}</p>
<div class="actions">
<form method="post" action="${base}/test">${csrfField(viewer)}<button type="submit">Send a test event</button></form>
<form method="post" action="${base}/rotate-secret" data-confirm="Rotate the signing secret? The old one keeps signing for a while.">${csrfField(viewer)}<button type="submit" class="secondary">Rotate secret</button></form>
</div>
<form class="card" method="post" action="${base}/replay">${csrfField(viewer)}
<h2>Replay deliveries</h2><p>Send again every delivery created in a range (UTC).</p>
<label for="r-since">Since</label><input id="r-since" name="since" type="datetime-local" required value="${local(dayAgo)}">
<label for="r-until">Until</label><input id="r-until" name="until" type="datetime-local" required value="${local(new Date(now.getTime() + 60_000))}">
<p><button type="submit">Replay</button></p></form>
${editForm(viewer, w, base)}
<h2>Delivery log</h2>
${deliveries.status !== 200 ? notice('error', deliveries.error?.message ?? 'The log could not be read.') : ''}
<table class="responsive"><thead><tr><th scope="col">Created</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Response</th><th scope="col">Retry</th></tr></thead><tbody>
${(deliveries.status === 200 ? deliveries.body.data : []).map(
  (d) => html`<tr><td data-label="Created">${when(d.created_at)}</td><td data-label="Event">${d.event_type}</td><td data-label="Status">${statusBadge(d.status)}</td><td data-label="Attempts">${d.attempts}</td>
<td data-label="Response">${d.response_code ?? ''} ${d.error ?? ''}</td>
<td data-label="Retry"><form method="post" action="${base}/deliveries/${encodeURIComponent(d.id)}/retry">${csrfField(viewer)}<button type="submit" class="secondary">Retry <span class="sr-only">${d.id}</span></button></form></td></tr>`,
)}</tbody></table>`;
      return sendPage(reply, layout(viewer, { title: 'Webhook endpoint', current: '/dashboard/webhooks', body }));
    }

    app.get('/webhooks', manage, async (request, reply) => list(request, reply));
    app.get('/webhooks/:id', manage, async (request, reply) => detail(request, reply));

    app.post('/webhooks', manage, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const description = field(request, 'description');
      const answer = await callApi<z.infer<typeof createdWebhook>>(app, principal, 'POST', '/v1/webhooks', {
        url: field(request, 'url'),
        events: fields(request, 'events'),
        ...(description ? { description } : {}),
      });
      if (answer.status !== 201) return refused(reply, viewer, answer.status, answer.error?.message ?? 'refused', '/dashboard/webhooks');
      return list(request, reply, secretOnce(answer.body.secret, `Endpoint ${answer.body.url} added.`));
    });

    const webhookPath = (request: FastifyRequest) => `/v1/webhooks/${encodeURIComponent((request.params as { id: string }).id)}`;
    const back = (request: FastifyRequest) => `/dashboard/webhooks/${encodeURIComponent((request.params as { id: string }).id)}`;

    app.post('/webhooks/:id', manage, async (request, reply) => {
      const description = field(request, 'description');
      return act(app, request, reply, {
        method: 'PATCH',
        url: webhookPath(request),
        // an unticked checkbox is absent from the form: not enabled, and no events (the API then names the field)
        body: { url: field(request, 'url'), events: fields(request, 'events'), enabled: field(request, 'enabled') === 'true', description: description || null },
        back: back(request),
        done: 'webhook-saved',
      });
    });
    app.post('/webhooks/:id/delete', manage, async (request, reply) =>
      act(app, request, reply, { method: 'DELETE', url: webhookPath(request), back: '/dashboard/webhooks', done: 'webhook-deleted' }),
    );
    app.post('/webhooks/:id/test', manage, async (request, reply) =>
      act(app, request, reply, { method: 'POST', url: `${webhookPath(request)}/test`, back: back(request), done: 'test-sent' }),
    );
    app.post('/webhooks/:id/deliveries/:delivery_id/retry', manage, async (request, reply) => {
      const { delivery_id: deliveryId } = request.params as { delivery_id: string };
      return act(app, request, reply, { method: 'POST', url: `${webhookPath(request)}/deliveries/${encodeURIComponent(deliveryId)}/retry`, back: back(request), done: 'retried' });
    });
    app.post('/webhooks/:id/replay', manage, async (request, reply) => {
      // datetime-local has no zone: the form says UTC
      const utc = (value: string) => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00Z` : value);
      return act(app, request, reply, {
        method: 'POST',
        url: `${webhookPath(request)}/replay`,
        body: { since: utc(field(request, 'since')), until: utc(field(request, 'until')) },
        back: back(request),
        done: 'replayed',
      });
    });
    app.post('/webhooks/:id/rotate-secret', manage, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const answer = await callApi<z.infer<typeof secretView>>(app, principal, 'POST', `${webhookPath(request)}/rotate-secret`);
      if (answer.status !== 200) return refused(reply, viewer, answer.status, answer.error?.message ?? 'refused', back(request));
      return detail(request, reply, secretOnce(answer.body.secret, `Secret rotated; the old one signs until ${answer.body.previous_secret_expires_at}.`));
    });
  };
}
