import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { readMessageBody } from '@herald/core';
import type { messageEvent, messageView } from '../../schemas/messages.ts';
import { callApi } from '../call-api.ts';
import { pageScope, sendPage } from '../context.ts';
import { PREVIEW_CSP } from '../security-headers.ts';
import { errorPage } from '../views/error-page.ts';
import { statusBadge, when } from '../views/format.ts';
import { html, type Html } from '../views/html.ts';
import { layout } from '../views/layout.ts';

type Message = z.infer<typeof messageView>;
type MessageEvent = z.infer<typeof messageEvent>;
/** The raw source shown on its page (the rest is cut, with a note). */
const MAX_RAW_SHOWN = 512 * 1024;

function reply(e: MessageEvent): Html | string {
  if (!e.smtp) return '';
  return html`<div>SMTP reply: <code>${[e.smtp.code, e.smtp.enhanced_code, e.smtp.message].filter((x) => x !== null).join(' ')}</code></div>`;
}

function timelineEntry(e: MessageEvent): Html {
  return html`<li>${statusBadge(e.type)} ${when(e.created_at)}${e.recipient ? html` · ${e.recipient}` : ''}${e.attempt ? html` · attempt ${e.attempt}` : ''}
${e.mx_host ? html`<div>MX host: <code>${e.mx_host}</code>${e.mx_ip ? html` (${e.mx_ip})` : ''}</div>` : ''}
${reply(e)}
${e.tls ? html`<div>TLS: ${e.tls.version ?? 'none'}${e.tls.cipher ? html` · ${e.tls.cipher}` : ''}${e.tls.verified === null ? '' : e.tls.verified ? ' · certificate verified' : ' · certificate not verified'}</div>` : ''}
${e.dkim.length ? html`<div>DKIM: ${e.dkim.map((d, i) => html`${i ? ', ' : ''}selector <code>${d.selector}</code> for <code>${d.domain}</code> (${d.algorithm})`)}</div>` : ''}
${e.category ? html`<div>Category: ${e.category}</div>` : ''}${e.duration_ms !== null ? html`<div>Took ${e.duration_ms} ms</div>` : ''}</li>`;
}

function messageBody(m: Message): Html {
  const id = encodeURIComponent(m.id);
  const moving = m.recipients.some((r) => ['queued', 'scheduled', 'sending', 'deferred'].includes(r.status));
  return html`<div${moving ? html` data-refresh="3"` : ''}>
<dl class="totals">
<div><dt>Status</dt><dd>${statusBadge(m.status)}</dd></div>
<div><dt>From</dt><dd class="small">${m.from.name ? html`${m.from.name} ` : ''}&lt;${m.from.email}&gt;</dd></div>
<div><dt>Created</dt><dd class="small">${when(m.created_at)}</dd></div>
<div><dt>Size</dt><dd class="small">${m.size} bytes</dd></div>
</dl>
<p>Message-ID: <code>${m.message_id}</code>${m.tags.length ? html` · Tags: ${m.tags.join(', ')}` : ''}</p>
<p class="actions"><a href="/dashboard/messages/${id}/raw">Raw source</a></p>
<h2>Recipients</h2>
<table class="responsive"><thead><tr><th scope="col">Address</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last reply</th><th scope="col">Next attempt</th></tr></thead><tbody>
${m.recipients.map(
  (r) => html`<tr><td data-label="Address">${r.email}</td><td data-label="Kind">${r.kind}</td><td data-label="Status">${statusBadge(r.status)}</td><td data-label="Attempts">${r.attempts}</td>
<td data-label="Last reply">${r.last_reply ? html`<code>${[r.last_reply.code, r.last_reply.enhanced_code, r.last_reply.message].filter((x) => x !== null).join(' ')}</code>` : '—'}</td><td data-label="Next attempt">${when(r.next_attempt_at)}</td></tr>`,
)}</tbody></table>
<h2>Timeline</h2>
<ol class="timeline">${m.events.map(timelineEntry)}</ol>
<h2>Preview</h2>
<p>The message's HTML, in a sandboxed frame: it can run no script and load nothing.</p>
<iframe class="preview" sandbox title="Preview of the message" src="/dashboard/messages/${id}/preview"></iframe>
</div>`;
}

/** A message's page (details, timeline, preview), its raw source, and the preview's document. */
export function messagePages() {
  return async (app: FastifyInstance) => {
    const read = { preHandler: pageScope('messages:read') };

    app.get('/messages/:id', read, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const { id } = request.params as { id: string };
      const answer = await callApi<Message>(app, principal, 'GET', `/v1/messages/${encodeURIComponent(id)}`);
      if (answer.status !== 200) return sendPage(reply, errorPage(viewer, answer.status, 'Message not found', answer.error?.message ?? 'No such message.'), answer.status);
      const m = answer.body;
      return sendPage(reply, layout(viewer, { title: m.subject || '(no subject)', current: '/dashboard/messages', body: messageBody(m) }));
    });

    app.get('/messages/:id/raw', read, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const { id } = request.params as { id: string };
      const answer = await callApi<unknown>(app, principal, 'GET', `/v1/messages/${encodeURIComponent(id)}/raw`);
      if (answer.status !== 200) return sendPage(reply, errorPage(viewer, answer.status, 'Message not found', answer.error?.message ?? 'No such message.'), answer.status);
      const shown = answer.raw.subarray(0, MAX_RAW_SHOWN).toString('utf8');
      const body = html`<p><a href="/dashboard/messages/${encodeURIComponent(id)}">Back to the message</a></p>
${answer.raw.length > MAX_RAW_SHOWN ? html`<p class="notice ok">The first ${MAX_RAW_SHOWN} of ${answer.raw.length} bytes.</p>` : ''}
<pre class="raw" tabindex="0" aria-label="Raw source">${shown}</pre>`;
      return sendPage(reply, layout(viewer, { title: 'Raw source', current: '/dashboard/messages', body }));
    });

    app.get('/messages/:id/preview', read, async (request, reply) => {
      const { principal } = request.dashboard;
      if (!principal) return;
      const { id } = request.params as { id: string };
      const answer = await callApi<unknown>(app, principal, 'GET', `/v1/messages/${encodeURIComponent(id)}/raw`);
      // the message's own HTML, in a document that may run nothing (CSP sandbox) and be framed only here
      void reply.header('content-security-policy', PREVIEW_CSP).header('x-frame-options', 'SAMEORIGIN');
      if (answer.status !== 200) return reply.status(answer.status).type('text/plain; charset=utf-8').send(answer.error?.message ?? 'not found');
      const body = await readMessageBody(answer.raw);
      if ('html' in body) return reply.type('text/html; charset=utf-8').send(body.html);
      const text = 'text' in body ? body.text : body.unreadable;
      return reply.type('text/html; charset=utf-8').send(String(html`<!doctype html><meta charset="utf-8"><pre style="white-space:pre-wrap">${text}</pre>`));
    });
  };
}
