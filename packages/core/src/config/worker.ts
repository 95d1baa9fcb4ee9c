import { hostname } from 'node:os';
import { z } from 'zod';
import { checkDatabaseSettings, commonSettings, requireMasterKeyInProduction } from './common.ts';
import { metricsSettings } from './metrics.ts';
import { parseDuration } from './duration.ts';

export { parseDuration } from './duration.ts';
import { boolFlag, defineSettings, duration, parseSettings, port, positiveInt, type ConfigOf } from './settings.ts';

const durationList = z
  .string()
  .regex(/^\s*\d+[smhd]\s*(,\s*\d+[smhd]\s*)*$/, 'must be a comma-separated list of durations such as 1m,5m,1h')
  .transform((v) => v.split(',').map((d) => parseDuration(d.trim())));


export const workerOnlySettings = defineSettings({
  concurrency: {
    env: 'HERALD_WORKER_CONCURRENCY',
    schema: positiveInt(),
    default: '100',
    doc: 'Deliveries one worker process runs at once, whether they come one per job or many in a batch job. Large messages (over 256 KB) in flight also share 128 MB a process, one always going.',
  },
  mxPort: {
    env: 'HERALD_MX_PORT',
    schema: port(),
    default: '25',
    doc: 'TCP port of recipient mail servers. 25 everywhere but in tests.',
  },
  heloName: {
    env: 'HERALD_HELO_NAME',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name')
      ,
    default: hostname,
    doc: "Host name the worker announces in EHLO; should resolve to, and be the reverse DNS of, the sending IP. Defaults to this machine's host name.",
  },
  smtpConnectTimeoutMs: {
    env: 'HERALD_SMTP_CONNECT_TIMEOUT_MS',
    schema: positiveInt(),
    default: '30000',
    doc: 'Time allowed to open a TCP connection to a mail server.',
  },
  smtpGreetingTimeoutMs: {
    env: 'HERALD_SMTP_GREETING_TIMEOUT_MS',
    schema: positiveInt(),
    default: '300000',
    doc: "Time allowed for the server's 220 greeting (RFC 5321 §4.5.3.2: 5 minutes).",
  },
  smtpCommandTimeoutMs: {
    env: 'HERALD_SMTP_COMMAND_TIMEOUT_MS',
    schema: positiveInt(),
    default: '300000',
    doc: 'Time allowed for the reply to each command (EHLO, MAIL, RCPT, DATA...; RFC 5321 §4.5.3.2: 5 minutes).',
  },
  smtpDataTimeoutMs: {
    env: 'HERALD_SMTP_DATA_TIMEOUT_MS',
    schema: positiveInt(),
    default: '600000',
    doc: 'Time allowed for the reply after the final dot, and for the server to read the message (RFC 5321: 10 minutes).',
  },
  domainRecheckMs: {
    env: 'HERALD_DOMAIN_RECHECK_INTERVAL',
    schema: duration('1h', { min: '1m', because: 'DNS answers are cached for their TTL, so checking more often shows nothing new' }),
    default: '1h',
    doc: "How often each domain's DNS records are checked again (at least 1m); a domain whose DKIM record disappeared stops sending.",
  },
  webhookTimeoutMs: {
    env: 'HERALD_WEBHOOK_TIMEOUT_MS',
    schema: positiveInt(),
    default: '15000',
    doc: 'Time a webhook receiver has to answer (DNS, connection, TLS and response together); a timeout is retried.',
  },
  webhookRetrySchedule: {
    env: 'HERALD_WEBHOOK_RETRY_SCHEDULE',
    schema: z.string().pipe(durationList),
    default: '5s,5m,30m,2h,5h,10h,10h',
    doc: 'Delays between webhook attempts (about a day in all), each with ±10% jitter; after the last, the delivery has failed.',
  },
  webhookDisableAfterMs: {
    env: 'HERALD_WEBHOOK_DISABLE_AFTER',
    schema: duration('5d'),
    default: '5d',
    doc: 'An endpoint that has failed every attempt for this long is disabled (a webhook_disabled event records it).',
  },
  webhookConcurrency: {
    env: 'HERALD_WEBHOOK_CONCURRENCY',
    schema: positiveInt(),
    default: '20',
    doc: 'Webhook requests one worker process makes at once.',
  },
  maxConnectionsPerDestination: {
    env: 'HERALD_MAX_CONNECTIONS_PER_DESTINATION',
    schema: positiveInt(),
    default: '20',
    doc: 'Most SMTP connections open at once to one MX host or relay, across all worker processes (kept in Redis); the slots of a worker that died are free again after HERALD_JOB_LOCK_TIMEOUT.',
  },
  throttleBackoffMs: {
    env: 'HERALD_THROTTLE_BACKOFF',
    schema: duration('1m'),
    default: '1m',
    doc: 'How long a destination that answered 421 or "slow down" is left alone by every worker; doubles with each further throttle.',
  },
  throttleBackoffMaxMs: {
    env: 'HERALD_THROTTLE_BACKOFF_MAX',
    schema: duration('30m'),
    default: '30m',
    doc: 'The longest backoff after repeated throttling.',
  },
  relayUrl: {
    env: 'HERALD_RELAY_URL',
    schema: z
      .string()
      .regex(/^smtps?:\/\/[^/?#]+\/?$/, 'must be smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]')
      .optional(),
    doc: 'Smart host for all mail instead of MX delivery (as Postfix relayhost). smtp:// uses STARTTLS (port 587), smtps:// TLS (465). With credentials, TLS with a valid certificate is required.',
    secret: true,
  },
  tlsCaFile: {
    env: 'HERALD_TLS_CA_FILE',
    schema: z.string().optional(),
    doc: 'A PEM file of extra certificate authorities to trust, besides the system ones, for SMTP certificate checks and MTA-STS policy fetches.',
  },
  mtaSts: {
    env: 'HERALD_MTA_STS',
    schema: boolFlag(),
    default: 'true',
    doc: "Look up recipient domains' MTA-STS policies (RFC 8461) and honour them: under `enforce`, deliver only over valid TLS to the MX hosts the policy names.",
  },
  mtaStsPort: {
    env: 'HERALD_MTA_STS_PORT',
    schema: port(),
    default: '443',
    doc: 'HTTPS port of MTA-STS policy hosts. 443 everywhere but in tests.',
  },
  retrySchedule: {
    env: 'HERALD_RETRY_SCHEDULE',
    schema: z.string().pipe(durationList),
    default: '1m,5m,15m,30m,1h,2h,4h,8h',
    doc: 'Delays between delivery attempts of a deferred recipient; the last one repeats until the maximum age.',
  },
  maxMessageAgeMs: {
    env: 'HERALD_MAX_MESSAGE_AGE',
    schema: duration('3d'),
    default: '3d',
    doc: 'How long a deferred recipient is retried before it fails (4.4.7).',
  },
  healthHost: {
    env: 'HERALD_WORKER_HEALTH_HOST',
    schema: z.string().min(1),
    default: '127.0.0.1',
    doc: "Address the worker's /healthz and /readyz endpoints listen on (0.0.0.0 for probes from other hosts).",
  },
  healthPort: {
    env: 'HERALD_WORKER_HEALTH_PORT',
    schema: port(),
    default: '3001',
    doc: "TCP port of the worker's /healthz and /readyz endpoints (0: none).",
  },
  jobLockMs: {
    env: 'HERALD_JOB_LOCK_TIMEOUT',
    schema: duration('30s', { min: '5s' }),
    default: '30s',
    doc: "How long a delivery job, or a connection slot to a destination, stays claimed by a worker that stopped renewing it (a crashed process); after it, another worker takes the job again (BullMQ's stalled-job check) and the slot is free. At least 5s.",
  },
  sweepIntervalMs: {
    env: 'HERALD_SWEEP_INTERVAL',
    schema: duration('30s'),
    default: '30s',
    doc: 'How often one of the workers looks in Postgres for recipients that are due but have no job in Redis (lost in a Redis restart or flush, or failed) and enqueues them again.',
  },
  sweepGraceMs: {
    env: 'HERALD_SWEEP_GRACE',
    schema: duration('2m'),
    default: '2m',
    doc: 'How long past its due time a waiting recipient must be before the sweeper looks at its job; shorter finds lost work sooner, longer checks Redis less.',
  },
  rawRetentionMs: {
    env: 'HERALD_RETENTION_RAW',
    schema: duration('30d'),
    default: '30d',
    doc: "How long a message's content (its raw MIME) is kept after it was accepted; then it is deleted once every recipient is final (a day's partition at a time, so up to a day later). The message's metadata, recipients and events stay.",
  },
  eventRetentionMs: {
    env: 'HERALD_RETENTION_EVENTS',
    schema: duration('90d'),
    default: '90d',
    doc: 'How long events, and finished webhook deliveries, are kept after their message was accepted (a week\'s partition at a time, so up to a week later).',
  },
});

export const workerSettings = { ...commonSettings, ...metricsSettings, ...workerOnlySettings };
export type WorkerConfig = ConfigOf<typeof workerSettings>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return parseSettings(workerSettings, env, (config) => [...requireMasterKeyInProduction(config), ...checkDatabaseSettings(config)]);
}
