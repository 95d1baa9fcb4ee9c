import { hostname } from 'node:os';
import { z } from 'zod';
import { checkDatabaseSettings, commonSettings, requireMasterKeyInProduction } from './common.ts';
import { metricsSettings } from './metrics.ts';
import { intakeSettings } from './intake.ts';
import { defineSettings, parseSettings, port, positiveInt, type ConfigOf } from './settings.ts';

const asRoot = () => process.getuid?.() === 0;

export const smtpOnlySettings = defineSettings({
  smtpHost: {
    env: 'HERALD_SMTP_HOST',
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: 'Address the SMTP submission listener binds (0.0.0.0 to accept other hosts).',
  },
  smtpPort: {
    env: 'HERALD_SMTP_PORT',
    schema: port(),
    default: () => (asRoot() ? '587' : '2587'),
    doc: 'Submission port with STARTTLS (RFC 6409). Defaults to 587 when run as root, else 2587.',
  },
  smtpsPort: {
    env: 'HERALD_SMTPS_PORT',
    schema: port(),
    default: () => (asRoot() ? '465' : '2465'),
    doc: 'Submission port with TLS from the first byte (RFC 8314). Defaults to 465 when run as root, else 2465.',
  },
  smtpTlsCertFile: {
    env: 'HERALD_SMTP_TLS_CERT_FILE',
    schema: z.string().optional(),
    doc: 'PEM certificate (chain) of the SMTP listener. Required in production; in development a self-signed one is generated at start.',
  },
  smtpTlsKeyFile: {
    env: 'HERALD_SMTP_TLS_KEY_FILE',
    schema: z.string().optional(),
    doc: 'PEM private key of that certificate.',
  },
  smtpHostname: {
    env: 'HERALD_SMTP_HOSTNAME',
    schema: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name'),
    default: hostname,
    doc: "Name the listener greets with (and the development certificate's). Defaults to this machine's host name.",
  },
  smtpMaxConnectionsPerIp: {
    env: 'HERALD_SMTP_MAX_CONNECTIONS_PER_IP',
    schema: positiveInt(),
    default: '20',
    doc: 'Connections one client address may hold open at once, counted across all SMTP listeners (in Redis); more are answered 421.',
  },
  smtpMaxConnectionsPerKey: {
    env: 'HERALD_SMTP_MAX_CONNECTIONS_PER_KEY',
    schema: positiveInt(),
    default: '50',
    doc: 'Authenticated sessions one API key may hold at once, counted across all SMTP listeners (in Redis); more are refused at AUTH (454).',
  },
  smtpMaxAuthFailures: {
    env: 'HERALD_SMTP_MAX_AUTH_FAILURES',
    schema: positiveInt(),
    default: '5',
    doc: 'Failed AUTH attempts one client address may make in 10 minutes, counted across all SMTP listeners (in Redis), before it is refused (421) until they age out.',
  },
  smtpHealthHost: {
    env: 'HERALD_SMTP_HEALTH_HOST',
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: "Address the SMTP listener's /healthz, /readyz and /metrics endpoints listen on (0.0.0.0 for probes and scrapes from other hosts).",
  },
  smtpHealthPort: {
    env: 'HERALD_SMTP_HEALTH_PORT',
    schema: port(),
    default: '3002',
    doc: "TCP port of the SMTP listener's /healthz, /readyz and /metrics endpoints (0: none).",
  },
});

export const smtpSettings = { ...commonSettings, ...metricsSettings, ...intakeSettings, ...smtpOnlySettings };
export type SmtpConfig = ConfigOf<typeof smtpSettings>;

export function loadSmtpConfig(env: NodeJS.ProcessEnv = process.env): SmtpConfig {
  return parseSettings(smtpSettings, env, (config) => [
    ...requireMasterKeyInProduction(config),
    ...checkDatabaseSettings(config),
    ...(config.env === 'production' && (!config.smtpTlsCertFile || !config.smtpTlsKeyFile)
      ? ['HERALD_SMTP_TLS_CERT_FILE, HERALD_SMTP_TLS_KEY_FILE: required when HERALD_ENV=production']
      : []),
  ]);
}
