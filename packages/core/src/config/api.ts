import { z } from 'zod';
import { commonSettings, requireMasterKeyInProduction } from './common.ts';
import { defineSettings, parseSettings, port, positiveInt, type ConfigOf } from './settings.ts';

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
  bodyLimitBytes: {
    env: 'HERALD_API_BODY_LIMIT_BYTES',
    schema: positiveInt(),
    default: '37748736',
    doc: 'Largest request body the API reads, in bytes (base64 attachments make bodies a third larger than the message).',
  },
  maxMessageBytes: {
    env: 'HERALD_MAX_MESSAGE_BYTES',
    schema: positiveInt(),
    default: '26214400',
    doc: 'Largest message Herald accepts, in bytes, as built (headers, body and encoded attachments); larger is refused with 413.',
  },
  adminToken: {
    env: 'HERALD_ADMIN_TOKEN',
    schema: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
    doc: 'Bearer token of the admin API (/admin: create and list projects). Unset: the admin API is disabled (404).',
    secret: true,
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
  dailyQuota: {
    env: 'HERALD_DAILY_QUOTA',
    schema: z.coerce.number({ message: 'must be a number' }).int().min(0),
    default: '0',
    doc: 'Recipients a project may send to per UTC day, unless the project has its own quota; 0 means no limit. Over it, 429 quota_exceeded.',
  },
  maxRecipients: {
    env: 'HERALD_MAX_RECIPIENTS',
    schema: positiveInt(),
    default: '50',
    doc: 'Most recipients (to + cc + bcc) one message may have.',
  },
});

export const apiSettings = { ...commonSettings, ...apiOnlySettings };
export type ApiConfig = ConfigOf<typeof apiSettings>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return parseSettings(apiSettings, env, requireMasterKeyInProduction);
}
