import { hostname } from 'node:os';
import { z } from 'zod';
import { MAX_NOTIFICATION_BYTES } from '../feedback/mime-parts.ts';
import { checkDatabaseSettings, commonSettings, requireMasterKeyInProduction } from './common.ts';
import { metricsSettings } from './metrics.ts';
import { defineSettings, parseSettings, port, positiveInt, type ConfigOf } from './settings.ts';
import { smtpOnlySettings } from './smtp.ts';

const asRoot = () => process.getuid?.() === 0;

/** The inbound MX (`herald start inbound`): the bounce host's mail server. */
export const inboundOnlySettings = defineSettings({
  inboundHost: {
    env: 'HERALD_INBOUND_HOST',
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: 'Address the inbound MX binds (0.0.0.0 to receive bounces from the Internet).',
  },
  inboundPort: {
    env: 'HERALD_INBOUND_PORT',
    schema: port(),
    default: () => (asRoot() ? '25' : '2525'),
    doc: 'Port of the inbound MX (the bounce host receives bounces, complaints and unsubscribe mail). Defaults to 25 when run as root, else 2525.',
  },
  inboundHostname: {
    env: 'HERALD_INBOUND_HOSTNAME',
    schema: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name'),
    default: () => process.env.HERALD_BOUNCE_HOST || hostname(),
    doc: "Name the inbound MX greets with (and its development certificate's). Defaults to HERALD_BOUNCE_HOST, else this machine's host name.",
  },
  inboundMaxBytes: {
    env: 'HERALD_INBOUND_MAX_BYTES',
    schema: positiveInt().max(MAX_NOTIFICATION_BYTES),
    default: String(10 * 1024 * 1024),
    doc: `Largest notification the inbound MX accepts, in bytes (SIZE is advertised; larger ones get 552). At most ${MAX_NOTIFICATION_BYTES}.`,
  },
  inboundMaxConnectionsPerIp: {
    env: 'HERALD_INBOUND_MAX_CONNECTIONS_PER_IP',
    schema: positiveInt(),
    default: '20',
    doc: 'Connections one client address may hold open at once to the inbound MX, counted across its processes (in Redis); more are answered 421.',
  },
  complaintMailbox: {
    env: 'HERALD_COMPLAINT_MAILBOX',
    schema: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a lower-case local part (letters, digits, ., _ or -)'),
    default: 'fbl',
    doc: 'Local part of the complaint mailbox on the bounce host (fbl@<HERALD_BOUNCE_HOST>): register it with mailbox providers\' feedback loops; it receives RFC 5965 abuse reports.',
  },
  inboundHealthPort: {
    env: 'HERALD_INBOUND_HEALTH_PORT',
    schema: port(),
    default: '0',
    doc: "TCP port of the inbound MX's /healthz, /readyz and /metrics endpoints (0: none); they listen on HERALD_INBOUND_HOST.",
  },
});

export const inboundSettings = {
  ...commonSettings,
  ...metricsSettings,
  smtpTlsCertFile: smtpOnlySettings.smtpTlsCertFile,
  smtpTlsKeyFile: smtpOnlySettings.smtpTlsKeyFile,
  ...inboundOnlySettings,
};
export type InboundConfig = ConfigOf<typeof inboundSettings>;

export function loadInboundConfig(env: NodeJS.ProcessEnv = process.env): InboundConfig {
  return parseSettings(inboundSettings, env, (config) => [
    ...requireMasterKeyInProduction(config),
    ...checkDatabaseSettings(config),
    ...(config.env === 'production' && (!config.smtpTlsCertFile || !config.smtpTlsKeyFile)
      ? ['HERALD_SMTP_TLS_CERT_FILE, HERALD_SMTP_TLS_KEY_FILE: required when HERALD_ENV=production (the inbound MX offers STARTTLS with them)']
      : []),
  ]);
}
