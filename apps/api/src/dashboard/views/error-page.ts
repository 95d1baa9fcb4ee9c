import { html, type Html } from './html.ts';
import { layout, type Viewer } from './layout.ts';

export function errorPage(viewer: Viewer, status: number, title: string, message: string): Html {
  const back = viewer.scopes ? html`<a href="/dashboard">Back to the overview</a>` : html`<a href="/dashboard/sign-in">Sign in</a>`;
  return layout(viewer, {
    title,
    current: '',
    body: html`<p class="notice error" role="alert"><strong>${status}</strong> ${message}</p><p>${back}</p>`,
  });
}
