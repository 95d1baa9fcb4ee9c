import { z } from 'zod';
import { ApiKeyMode, SCOPE_PRESETS, SCOPES } from '@herald/core';

const scopeNames = [...SCOPES, ...Object.keys(SCOPE_PRESETS)] as [string, ...string[]];

export const createApiKeyBody = z
  .object({
    name: z.string().min(1).max(100).refine((s) => !/[\r\n]/.test(s), 'must not contain line breaks'),
    scopes: z
      .array(z.enum(scopeNames))
      .min(1, 'at least one scope')
      .describe(`Any of ${SCOPES.join(', ')}, or the presets full (all of them) and sending (messages:send)`),
    domains: z.array(z.string().max(253)).max(100).default([]).describe("Limit the key to these sending domains of the project; empty: all"),
    expires_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }).optional(),
    mode: z.enum(ApiKeyMode).default('live').describe('test: messages sent with the key go through the pipeline but reach nobody'),
  })
  .strict()
  .meta({ id: 'CreateApiKeyRequest' });

export const rollApiKeyBody = z
  .object({
    grace_seconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(86_400)
      .describe('How long the old key keeps working (0: it stops at once); at most 30 days'),
  })
  .strict()
  .default({ grace_seconds: 86_400 })
  .meta({ id: 'RollApiKeyRequest' });

export const apiKeyIdParams = z.object({ id: z.string().describe('API key id (key_…)') });

export const apiKeyView = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().describe('The first characters of the key, to recognise it; the key itself is never shown again'),
    mode: z.enum(ApiKeyMode),
    scopes: z.array(z.string()),
    domains: z.array(z.string()),
    created_at: z.string(),
    last_used_at: z.string().nullable().describe('Updated at most once a minute'),
    expires_at: z.string().nullable(),
    revoked_at: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createdApiKey = z
  .object({ ...apiKeyView.shape, key: z.string().describe('The key, shown this once: store it now') })
  .meta({ id: 'CreatedApiKey' });

export const apiKeyList = z.object({ data: z.array(apiKeyView) }).meta({ id: 'ApiKeyList' });
