import { html, type Html } from './html.ts';

/** A timestamp as people read it, in UTC, with the machine-readable value for assistive tools. */
export function when(iso: string | null | undefined): Html | string {
  if (!iso) return '—';
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time>`;
}

export function statusBadge(status: string): Html {
  return html`<span class="badge status-${status.replace(/[^a-z_]/g, '')}">${status}</span>`;
}

export function copyable(value: string, label: string): Html {
  return html`<span class="copyable"><code>${value}</code> <button type="button" class="copy" data-copy="${value}" aria-label="Copy ${label}">Copy</button></span>`;
}
