import type { FastifyReply, FastifyRequest } from 'fastify';
import type { KeyContext, Scope } from '@herald/core';
import type { SessionData } from './session/session-store.ts';
import type { Html } from './views/html.ts';
import type { Viewer } from './views/layout.ts';
import { errorPage } from './views/error-page.ts';

/** What every dashboard request knows of its visitor, set by the session hook. */
export interface DashboardContext {
  sessionId: string | null;
  session: SessionData | null;
  /** Whom the API calls act as; null when signed out (or an admin yet to choose a project). */
  principal: KeyContext | null;
  /** An admin signed in without a project chosen. */
  choosingProject: boolean;
  viewer: Viewer;
}

declare module 'fastify' {
  interface FastifyRequest {
    dashboard: DashboardContext;
  }
}

export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(String(page));
}

/** A preHandler: signed-out visitors go to the sign-in page, an admin without a project to the project list. */
export async function signedIn(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { principal, choosingProject } = request.dashboard;
  if (principal) return;
  await reply.redirect(choosingProject ? '/dashboard/projects' : '/dashboard/sign-in', 303);
}

/** A preHandler: a 403 page unless the visitor's key has the scope (the API would refuse the same). */
export function pageScope(scope: Scope) {
  return async function checkPageScope(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const { principal, viewer } = request.dashboard;
    if (!principal) return signedIn(request, reply);
    if (!principal.scopes.includes(scope)) {
      await sendPage(reply, errorPage(viewer, 403, 'Not allowed', `This screen needs an API key with the ${scope} scope.`), 403);
    }
  };
}

/** A preHandler: screens about the whole service (queues) are for the admin only. */
export async function adminOnly(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { principal, viewer } = request.dashboard;
  if (!principal) return signedIn(request, reply);
  if (!viewer.admin) await sendPage(reply, errorPage(viewer, 403, 'Not allowed', 'This screen is for the admin (sign in with the admin token).'), 403);
}

/** The form body as the dashboard's forms send it (application/x-www-form-urlencoded). */
export function formOf(request: FastifyRequest): Record<string, string | string[] | undefined> {
  return (request.body ?? {}) as Record<string, string | string[] | undefined>;
}

/** One text field of a form: a repeated field is refused as absent. */
export function field(request: FastifyRequest, name: string): string {
  const value = formOf(request)[name];
  return typeof value === 'string' ? value : '';
}

/** A field that may repeat (checkboxes). */
export function fields(request: FastifyRequest, name: string): string[] {
  const value = formOf(request)[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
