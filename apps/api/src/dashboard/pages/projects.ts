import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getProject, listProjects, type Db } from '@herald/core';
import { field, sendPage } from '../context.ts';
import type { SessionStore } from '../session/session-store.ts';
import { errorPage } from '../views/error-page.ts';
import { html } from '../views/html.ts';
import { csrfField, layout } from '../views/layout.ts';

async function adminSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { session, viewer } = request.dashboard;
  if (!session) return void (await reply.redirect('/dashboard/sign-in', 303));
  if (session.principal.kind !== 'admin') await sendPage(reply, errorPage(viewer, 403, 'Not allowed', 'Choosing a project is for the admin.'), 403);
}

/** The admin's project list: choose the project the dashboard then acts in. */
export function projectPages(deps: { db: Db; sessions: SessionStore }) {
  return async (app: FastifyInstance) => {
    app.get('/projects', { preHandler: adminSession }, async (request, reply) => {
      const { viewer, principal } = request.dashboard;
      const projects = await listProjects(deps.db);
      return sendPage(
        reply,
        layout(viewer, {
          title: 'Projects',
          current: '/dashboard/projects',
          body: html`<p>Choose the project to work in.</p>
<table><thead><tr><th scope="col">Project</th><th scope="col">Id</th><th scope="col">Mode</th><th scope="col"><span class="sr-only">Choose</span></th></tr></thead><tbody>
${projects.map(
  (p) => html`<tr><td>${p.name}</td><td><code>${p.id}</code></td><td>${p.testMode ? 'test' : 'live'}</td><td>
<form method="post" action="/dashboard/projects/select">${csrfField(viewer)}<input type="hidden" name="project_id" value="${p.id}">
<button type="submit"${principal?.projectId === p.id ? html` disabled` : ''}>${principal?.projectId === p.id ? 'Current' : html`Open <span class="sr-only">${p.name}</span>`}</button></form></td></tr>`,
)}
</tbody></table>`,
        }),
      );
    });

    app.post('/projects/select', { preHandler: adminSession }, async (request, reply) => {
      const { session, sessionId, viewer } = request.dashboard;
      const project = await getProject(deps.db, field(request, 'project_id'));
      if (!project || !session || !sessionId || session.principal.kind !== 'admin') {
        return sendPage(reply, errorPage(viewer, 404, 'No such project', 'That project does not exist.'), 404);
      }
      await deps.sessions.update(sessionId, { ...session, principal: { ...session.principal, projectId: project.id } });
      return reply.redirect('/dashboard', 303);
    });
  };
}
