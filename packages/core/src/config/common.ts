import { z } from 'zod';
import { defineSettings } from './settings.ts';

/** Settings every Herald process reads. */
export const commonSettings = defineSettings({
  env: {
    env: 'HERALD_ENV',
    schema: z.enum(['development', 'test', 'production']),
    default: 'development',
    doc: 'development, test or production. Production refuses to start without HERALD_MASTER_KEY.',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      ,
    default: 'postgresql://postgres@127.0.0.1:5432/herald',
    doc: 'PostgreSQL connection URL. The database is created by `herald migrate` if it does not exist.',
    secret: true,
  },
  redisUrl: {
    env: 'REDIS_URL',
    schema: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      ,
    default: 'redis://127.0.0.1:6379',
    doc: 'Redis connection URL (BullMQ queues). Redis must run with maxmemory-policy noeviction.',
    secret: true,
  },
  queuePrefix: {
    env: 'HERALD_QUEUE_PREFIX',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_{}-]{1,64}$/, 'must be 1-64 letters, digits, _, -, { or }')
      ,
    default: 'herald',
    doc: 'Prefix of every BullMQ key in Redis; use a {hash tag} on Redis Cluster.',
  },
  masterKey: {
    env: 'HERALD_MASTER_KEY',
    schema: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/]{43}=$/.test(v), {
        message: 'must be 32 random bytes in base64 (generate one with `openssl rand -base64 32`)',
      })
      .optional(),
    doc: 'Key that encrypts DKIM private keys and webhook secrets at rest (AES-256-GCM). Required in production; in development a key is generated once into HERALD_DATA_DIR.',
    secret: true,
  },
  dataDir: {
    env: 'HERALD_DATA_DIR',
    schema: z.string(),
    default: '.herald',
    doc: 'Directory for local development state (the generated development master key).',
  },
  logLevel: {
    env: 'HERALD_LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'Log level of the JSON logs written to standard output.',
  },
});

export function requireMasterKeyInProduction(config: { env: string; masterKey?: string | undefined }): string[] {
  if (config.env === 'production' && !config.masterKey) {
    return ['HERALD_MASTER_KEY: required when HERALD_ENV=production (generate one with `openssl rand -base64 32`)'];
  }
  return [];
}
