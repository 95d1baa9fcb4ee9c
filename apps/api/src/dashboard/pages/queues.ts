import type { FastifyInstance } from 'fastify';
import { adminOnly, sendPage } from '../context.ts';
import { html } from '../views/html.ts';
import { layout } from '../views/layout.ts';

export interface QueueCounts {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** What the queues screen reads: BullMQ's counts per queue and the destinations being backed off. */
export interface QueueOverview {
  counts(): Promise<QueueCounts[]>;
  throttled(): Promise<{ destination: string; level: number; backoffUntil: string | null }[]>;
}

/** The admin's view of the delivery queues (service-wide, so not for a project's key). */
export function queuesPage(queues: QueueOverview | undefined) {
  return async (app: FastifyInstance) => {
    app.get('/queues', { preHandler: adminOnly }, async (request, reply) => {
      const { viewer } = request.dashboard;
      const [counts, throttled] = queues ? await Promise.all([queues.counts(), queues.throttled()]) : [[], []];
      const body = html`<h2>Delivery queues</h2>
<table><thead><tr><th scope="col">Queue</th><th scope="col">Waiting</th><th scope="col">Active</th><th scope="col">Delayed</th><th scope="col">Failed</th></tr></thead><tbody>
${counts.map((q) => html`<tr><td>${q.name}</td><td>${q.waiting}</td><td>${q.active}</td><td>${q.delayed}</td><td>${q.failed}</td></tr>`)}
</tbody></table>
<h2>Throttled destinations</h2>
${throttled.length === 0
  ? html`<p>No destination is being backed off.</p>`
  : html`<table><thead><tr><th scope="col">Destination</th><th scope="col">Level</th><th scope="col">Backed off until</th></tr></thead><tbody>
${throttled.map((t) => html`<tr><td>${t.destination}</td><td>${t.level}</td><td>${t.backoffUntil ?? '—'}</td></tr>`)}</tbody></table>`}`;
      return sendPage(reply, layout(viewer, { title: 'Queues', current: '/dashboard/queues', body }));
    });
  };
}
