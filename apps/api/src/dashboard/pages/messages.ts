import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { MessageStatus } from '@herald/core';
import type { messageList } from '../../schemas/messages.ts';
import { callApi, query } from '../call-api.ts';
import { pageScope, sendPage } from '../context.ts';
import { statusBadge, when } from '../views/format.ts';
import { html, type Html } from '../views/html.ts';
import { layout, notice } from '../views/layout.ts';

type MessageList = z.infer<typeof messageList>;
const FILTERS = ['recipient', 'subject', 'tag', 'status', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number] | 'cursor', string>>;
/** Statuses that will still change: a page showing one reloads itself. */
const MOVING = new Set(['queued', 'scheduled', 'sending', 'deferred']);

/** A day (the date input's yyyy-mm-dd) as the API's date-time: its start, or for `to` the next day's start. */
function dayBound(value: string | undefined, end: boolean): string | undefined {
  if (!value) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return value; // the API names what is wrong with it
  const start = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(start.getTime()) ? value : new Date(start.getTime() + (end ? 86_400_000 : 0)).toISOString();
}

function filterForm(f: Filters): Html {
  const text = (name: 'recipient' | 'subject' | 'tag', label: string, type = 'text') =>
    html`<div><label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" type="${type}" value="${f[name] ?? ''}"></div>`;
  return html`<form class="filters" method="get" action="/dashboard/messages" role="search" aria-label="Search messages">
${text('recipient', 'Recipient', 'email')}${text('subject', 'Subject contains')}${text('tag', 'Tag')}
<div><label for="f-status">Status</label><select id="f-status" name="status"><option value="">any</option>
${Object.values(MessageStatus).map((s) => html`<option value="${s}"${f.status === s ? html` selected` : ''}>${s}</option>`)}</select></div>
<div><label for="f-from">From day</label><input id="f-from" name="from" type="date" value="${f.from ?? ''}"></div>
<div><label for="f-to">To day</label><input id="f-to" name="to" type="date" value="${f.to ?? ''}"></div>
<div><button type="submit">Search</button> <a href="/dashboard/messages">Clear</a></div>
</form>`;
}

function table(list: MessageList): Html {
  if (list.data.length === 0) return html`<p>No messages match.</p>`;
  return html`<table class="responsive"><thead><tr><th scope="col">Created</th><th scope="col">Subject</th><th scope="col">From</th><th scope="col">Recipients</th><th scope="col">Status</th><th scope="col">Tags</th></tr></thead><tbody>
${list.data.map(
  (m) => html`<tr><td data-label="Created">${when(m.created_at)}</td>
<td data-label="Subject"><a href="/dashboard/messages/${encodeURIComponent(m.id)}">${m.subject || '(no subject)'}</a></td>
<td data-label="From">${m.from.email}</td>
<td data-label="Recipients">${m.recipients.map((r, i) => html`${i ? ', ' : ''}${r.email} ${statusBadge(r.status)}`)}</td>
<td data-label="Status">${statusBadge(m.status)}</td><td data-label="Tags">${m.tags.join(', ')}</td></tr>`,
)}
</tbody></table>`;
}

/** GET /dashboard/messages: GET /v1/messages with the same filters, a page at a time by cursor. */
export function messagesPage() {
  return async (app: FastifyInstance) => {
    app.get('/messages', { preHandler: pageScope('messages:read') }, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const raw = request.query as Record<string, unknown>;
      const f: Filters = {};
      for (const name of [...FILTERS, 'cursor'] as const) if (typeof raw[name] === 'string' && raw[name]) f[name] = raw[name];
      const answer = await callApi<MessageList>(
        app,
        principal,
        'GET',
        `/v1/messages${query({
          limit: 25,
          cursor: f.cursor,
          recipient: f.recipient,
          subject: f.subject,
          tag: f.tag,
          status: f.status,
          created_after: dayBound(f.from, false),
          created_before: dayBound(f.to, true),
        })}`,
      );
      const { cursor: _cursor, ...filters } = f;
      const results =
        answer.status !== 200
          ? notice('error', answer.error?.message ?? `the search failed (${answer.status})`)
          : html`<div${answer.body.data.some((m) => MOVING.has(m.status)) ? html` data-refresh="3"` : ''}>${table(answer.body)}</div>
<nav class="pager" aria-label="Pages">${f.cursor ? html`<a href="/dashboard/messages${query(filters)}">First page</a>` : ''}
${answer.body.next_cursor ? html`<a href="/dashboard/messages${query({ ...filters, cursor: answer.body.next_cursor })}" rel="next">Next page</a>` : ''}</nav>`;
      return sendPage(reply, layout(viewer, { title: 'Messages', current: '/dashboard/messages', body: html`${filterForm(f)}${results}` }), answer.status === 400 ? 400 : 200);
    });
  };
}
