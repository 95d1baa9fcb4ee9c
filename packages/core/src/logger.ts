import { pino, type Logger } from 'pino';

/** Paths that may hold secrets; pino replaces them with "[redacted]" wherever they appear. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'apiKey',
  'key',
  'password',
  'privateKey',
  'privateKeyPem',
  'secret',
  'masterKey',
  'databaseUrl',
  'databaseDirectUrl',
  'redisUrl',
];

export function createLogger(name: string, level: string): Logger {
  return pino({ name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

export type { Logger };

/** What code that only writes logs needs; fastify's request.log fits too. */
export type Log = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
