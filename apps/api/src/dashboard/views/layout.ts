import type { Scope } from '@herald/core';
import { html, type Html } from './html.ts';

/** A page of the dashboard, as every page renders: what the layout needs to know of the visitor. */
export interface Viewer {
  /** Null when signed out. */
  scopes: readonly string[] | null;
  admin: boolean;
  csrf: string;
  /** Who is signed in, in words (a key's prefix, "admin · project"). */
  label: string;
}

interface NavItem {
  href: string;
  label: string;
  scope?: Scope;
  adminOnly?: boolean;
}

/** The screens, each with the scope it needs (the API's own scope for the same data). */
export const NAV: readonly NavItem[] = [
  { href: '/dashboard', label: 'Overview', scope: 'messages:read' },
  { href: '/dashboard/messages', label: 'Messages', scope: 'messages:read' },
  { href: '/dashboard/domains', label: 'Domains', scope: 'domains:manage' },
  { href: '/dashboard/api-keys', label: 'API keys', scope: 'keys:manage' },
  { href: '/dashboard/webhooks', label: 'Webhooks', scope: 'webhooks:manage' },
  { href: '/dashboard/suppressions', label: 'Suppressions', scope: 'suppressions:manage' },
  { href: '/dashboard/queues', label: 'Queues', adminOnly: true },
];

export function mayOpen(viewer: Viewer, item: Pick<NavItem, 'scope' | 'adminOnly'>): boolean {
  if (!viewer.scopes) return false;
  if (item.adminOnly) return viewer.admin;
  return !item.scope || viewer.scopes.includes(item.scope);
}

function nav(viewer: Viewer, current: string): Html {
  const items = NAV.filter((item) => mayOpen(viewer, item));
  return html`<nav aria-label="Main"><ul class="nav">
    ${items.map((item) => html`<li><a href="${item.href}"${current === item.href ? html` aria-current="page"` : ''}>${item.label}</a></li>`)}
    ${viewer.admin ? html`<li><a href="/dashboard/projects"${current === '/dashboard/projects' ? html` aria-current="page"` : ''}>Projects</a></li>` : ''}
  </ul></nav>`;
}

export function csrfField(viewer: Pick<Viewer, 'csrf'>): Html {
  return html`<input type="hidden" name="_csrf" value="${viewer.csrf}">`;
}

/** The whole document: one stylesheet, one script, both from /dashboard/assets (CSP script-src 'self'). */
export function layout(viewer: Viewer, page: { title: string; current: string; body: Html; scripts?: readonly string[] }): Html {
  const signedIn = viewer.scopes !== null;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Herald</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
${(page.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
<script src="/dashboard/assets/dashboard.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/dashboard">Herald</a>
  ${signedIn ? nav(viewer, page.current) : ''}
  ${signedIn
    ? html`<form class="sign-out" method="post" action="/dashboard/sign-out">${csrfField(viewer)}<span class="who">${viewer.label}</span> <button type="submit">Sign out</button></form>`
    : ''}
</header>
<main id="main" tabindex="-1">
<h1>${page.title}</h1>
${page.body}
</main>
</body>
</html>`;
}

/** A notice above a page's content: an error from the API (in its words), or a success. */
export function notice(kind: 'error' | 'ok', text: string | Html): Html {
  return html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}
