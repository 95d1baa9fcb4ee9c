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
