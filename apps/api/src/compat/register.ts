import type { FastifyInstance } from 'fastify';
import type { CompatVendor } from '@herald/core';
import type { AppDeps } from '../app.ts';
import { postmarkEndpoints } from './postmark/endpoints.ts';
import { resendEndpoints } from './resend/endpoints.ts';
import { sendgridEndpoints } from './sendgrid/endpoints.ts';
import { vendorScope } from './vendor-scope.ts';

/** Each vendor's prefix: its clients' base URL is Herald's URL with it (docs/migrating.md). */
export const COMPAT_PREFIXES: Record<CompatVendor, string> = { postmark: '/postmark', resend: '/resend', sendgrid: '/sendgrid' };

const ENDPOINTS = { postmark: postmarkEndpoints, resend: resendEndpoints, sendgrid: sendgridEndpoints } as const;

export const COMPAT_TAGS = [
  { name: 'postmark', description: "Postmark's API shape (/postmark/email…), for Postmark's clients: set their request host to <herald host>/postmark" },
  { name: 'resend', description: "Resend's API shape (/resend/emails…), for Resend's clients: set their base URL to <herald>/resend" },
  { name: 'sendgrid', description: "SendGrid's v3 mail send (/sendgrid/v3/mail/send), for SendGrid's clients: set their base URL to <herald>/sendgrid" },
];

export const COMPAT_SECURITY_SCHEMES = {
  postmarkServerToken: { type: 'apiKey', in: 'header', name: 'X-Postmark-Server-Token', description: 'A Herald API key, where Postmark clients send their server token' },
} as const;

/** The vendor-compatible endpoints HERALD_COMPAT_ENDPOINTS enables, each in its own scope under its own prefix. */
export async function registerCompatEndpoints(app: FastifyInstance, deps: AppDeps): Promise<void> {
  for (const name of deps.config.compatEndpoints) {
    const { vendor, routes } = ENDPOINTS[name];
    await app.register(vendorScope(deps, vendor, routes), { prefix: COMPAT_PREFIXES[name] });
  }
}
