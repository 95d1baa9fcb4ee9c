import { z } from 'zod';
import { checkDatabaseSettings, commonSettings, requireMasterKeyInProduction } from './common.ts';
import { metricsSettings } from './metrics.ts';
import { intakeSettings } from './intake.ts';
import { boolFlag, csv, defineSettings, duration, parseSettings, port, positiveInt, type ConfigOf } from './settings.ts';

/** The vendors whose request shapes the API can accept (docs/migrating.md). */
export const COMPAT_VENDORS = ['postmark', 'resend', 'sendgrid'] as const;
export type CompatVendor = (typeof COMPAT_VENDORS)[number];

export const apiOnlySettings = defineSettings({
  host: {
    env: 'HERALD_API_HOST',
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: 'Address the HTTP API listens on (0.0.0.0 to accept connections from other hosts).',
  },
  port: {
    env: 'HERALD_API_PORT',
    schema: port(),
    default: '3000',
    doc: 'TCP port of the HTTP API.',
  },
  databaseReadUrl: {
    env: 'DATABASE_READ_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    doc: 'A streaming replica of DATABASE_URL for the API reads that may lag: the message, message event, suppression and webhook delivery lists, statistics, and the dashboard pages built on them (docs/read-replica.md). Unset: every read goes to DATABASE_URL. While the replica cannot be reached, those reads go to DATABASE_URL.',
    secret: true,
  },
  processes: {
    env: 'HERALD_API_PROCESSES',
    schema: z.coerce.number().int().min(0, 'must be 0 (one per CPU core) or more').max(256),
    default: '1',
    doc: 'API processes `herald start api` runs, sharing the port (Node cluster); 0 means one per CPU core. Node runs JavaScript on one core per process.',
  },
  bodyLimitBytes: {
    env: 'HERALD_API_BODY_LIMIT_BYTES',
    schema: positiveInt(),
    default: '37748736',
    doc: 'Largest request body the API reads, in bytes (base64 attachments make bodies a third larger than the message).',
  },
  adminToken: {
    env: 'HERALD_ADMIN_TOKEN',
    schema: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
    doc: 'Bearer token of the admin API (/admin: create and list projects): at least 32 characters (e.g. `openssl rand -hex 32`). Unset: the admin API is disabled (404).',
    secret: true,
  },
  queueBoardWritable: {
    env: 'HERALD_QUEUE_BOARD_WRITABLE',
    schema: boolFlag(),
    default: 'false',
    doc: 'Let the holder of HERALD_ADMIN_TOKEN retry, promote, clean and remove jobs on the queue board (/admin/queues). false: the board only shows the queues and their jobs.',
  },
  rateLimitPerKey: {
    env: 'HERALD_RATE_LIMIT_PER_KEY',
    schema: positiveInt(),
    default: '100',
    doc: 'Requests per second one API key may make (bursts of twice that), counted in Redis across all API processes; over it, 429 with Retry-After.',
  },
  rateLimitPerProject: {
    env: 'HERALD_RATE_LIMIT_PER_PROJECT',
    schema: positiveInt(),
    default: '200',
    doc: "Requests per second all of one project's keys together may make (bursts of twice that).",
  },
  unsubscribeRateLimit: {
    env: 'HERALD_UNSUBSCRIBE_RATE_LIMIT',
    schema: positiveInt(),
    default: '5',
    doc: 'One-click unsubscribe requests (GET and POST /unsubscribe/…) per second from one client address (bursts of four times that), counted in Redis; over it, 429. Behind a reverse proxy every client shares the proxy\'s address: raise it there.',
  },
  dashboardSessionTtlMs: {
    env: 'HERALD_DASHBOARD_SESSION_TTL',
    schema: duration('8h', { min: '1m' }),
    default: '8h',
    doc: 'How long a dashboard sign-in lasts (sessions are kept in Redis); then the dashboard asks to sign in again.',
  },
  dashboardSignInFailures: {
    env: 'HERALD_DASHBOARD_SIGN_IN_FAILURES',
    schema: positiveInt(),
    default: '10',
    doc: "Failed dashboard sign-ins (a wrong API key or admin token) one client address may make per hour, counted in Redis across all API processes: that many at once, then one more each time one ages out (3600/n s); over it, the sign-in page answers 429 with Retry-After, before looking at what was typed. Behind a reverse proxy every client shares the proxy's address.",
  },
  compatEndpoints: {
    env: 'HERALD_COMPAT_ENDPOINTS',
    schema: csv()
      .pipe(z.array(z.enum([...COMPAT_VENDORS, 'none'], `each entry must be one of ${COMPAT_VENDORS.join(', ')} (or none alone)`)))
      .transform((list) => list.filter((v): v is CompatVendor => v !== 'none')),
    default: COMPAT_VENDORS.join(','),
    doc: 'Vendor-compatible endpoints the API serves, comma-separated: postmark (/postmark/email), resend (/resend/emails), sendgrid (/sendgrid/v3/mail/send). `none` turns them all off (docs/migrating.md).',
  },
});

export const apiSettings = { ...commonSettings, ...metricsSettings, ...intakeSettings, ...apiOnlySettings };
export type ApiConfig = ConfigOf<typeof apiSettings>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return parseSettings(apiSettings, env, (config) => [...requireMasterKeyInProduction(config), ...checkDatabaseSettings(config)]);
}
