import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expandScopes, HeraldError, issueApiKey, knownDomainNames, normalizeDomain, type ErrorDetail } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentApiKey } from '../../../presenters/api-key.ts';
import { createApiKeyBody, createdApiKey } from '../../../schemas/api-keys.ts';
import { errorResponses } from '../../../schemas/error.ts';

/**
 * POST /v1/api-keys: a new key, shown once. A key can never create a key that may do more than it
 * can: the scopes must be among its own, the domains among its own when it is limited, and a test
 * key makes only test keys.
 */
export function createApiKeyRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api-keys',
      {
        preHandler: requireScope('keys:manage'),
        schema: {
          operationId: 'createApiKey',
          summary: 'Create an API key',
          description: 'Answers with the key once; Herald keeps only its SHA-256 hash.',
          tags: ['api-keys'],
          body: createApiKeyBody,
          response: { 201: createdApiKey, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request, reply) => {
        const { auth } = request;
        const body = request.body;
        const expanded = expandScopes(body.scopes);
        if (!expanded.ok) throw new HeraldError('validation_failed', `scopes: unknown ${expanded.unknown.join(', ')}`, [{ field: 'scopes', message: 'unknown scope' }]);
        const problems: ErrorDetail[] = [];
        const domains: string[] = [];
        body.domains.forEach((name, i) => {
          const normalized = normalizeDomain(name);
          if (!normalized) problems.push({ field: `domains.${i}`, message: 'must be a domain name' });
          else domains.push(normalized);
        });
        const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
        if (expiresAt && expiresAt <= new Date()) problems.push({ field: 'expires_at', message: 'must be in the future' });
        if (problems.length) throw new HeraldError('validation_failed', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);

        const known = await knownDomainNames(deps.db, auth.projectId, domains);
        const unknown = domains.filter((d) => !known.includes(d));
        if (unknown.length) {
          throw new HeraldError('validation_failed', `domains: not domains of this project: ${unknown.join(', ')}`, unknown.map((d) => ({ field: `domains.${domains.indexOf(d)}`, message: 'is not a domain of this project' })));
        }
        const beyond = expanded.scopes.filter((s) => !auth.scopes.includes(s));
        const missing = [
          ...beyond.map((s) => `scope ${s}`),
          ...(auth.domains.length && (domains.length === 0 || domains.some((d) => !auth.domains.includes(d))) ? ['access to domains outside this key\'s'] : []),
          ...(auth.mode === 'test' && body.mode === 'live' ? ['live mode (this is a test key)'] : []),
        ];
        if (missing.length) {
          throw new HeraldError('insufficient_scope', `a key cannot create a key that may do more than itself: ${missing.join(', ')}`, [
            { field: 'scopes', message: `missing ${missing.join(', ')}` },
          ]);
        }
        const { key, row } = await issueApiKey(deps.db, auth.projectId, { name: body.name, scopes: expanded.scopes, domains, expiresAt, mode: body.mode });
        return reply.status(201).send({ ...presentApiKey(row), key });
      },
    );
  };
}
