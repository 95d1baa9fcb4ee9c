import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler } from 'fastify-type-provider-zod';
import type { ApiConfig, Db, DnsResolver, DomainSettings, IntakeDeps, Logger, ReadinessCheck, Store } from '@herald/core';
import type { DailyQuota } from '@herald/core/limits/daily-quota';
import type { RateLimiter } from '@herald/core/limits/rate-limiter';
import { pruneUnusedSchemas } from './openapi/prune-schemas.ts';
import { authenticate } from './plugins/authenticate.ts';
import { apiRateLimit } from './plugins/rate-limit.ts';
import { COMPAT_SECURITY_SCHEMES, COMPAT_TAGS, registerCompatEndpoints } from './compat/register.ts';
import { answerFrameworkError, MAX_PATH_PARAM_LENGTH, registerErrorHandler } from './plugins/error-handler.ts';
import { clientErrorHandler, registerHttpErrorAnswers } from './plugins/http-errors.ts';
import { requestLogger } from './plugins/log-redaction.ts';
import { refuseWhileDraining } from './plugins/draining.ts';
import { recordHttpMetrics } from './plugins/http-metrics.ts';
import { getMetricsRoute } from './routes/metrics/get-metrics.ts';
import { mountQueueBoard } from './queue-board/queue-board.ts';
import { registerJsonBodyParser } from './input/json-body.ts';
import { refuseBadText } from './input/refuse-bad-text.ts';
import { checkLivenessRoute } from './routes/health/check-liveness.ts';
import { checkReadinessRoute } from './routes/health/check-readiness.ts';
import { errorBody } from './schemas/error.ts';
import { validatorCompiler } from './schemas/validator-compiler.ts';
import { adminAuth } from './plugins/admin-auth.ts';
import { createProjectRoute } from './routes/admin/create-project.ts';
import { listProjectsRoute } from './routes/admin/list-projects.ts';
import { createApiKeyRoute } from './routes/v1/api-keys/create-api-key.ts';
import { listApiKeysRoute } from './routes/v1/api-keys/list-api-keys.ts';
import { revokeApiKeyRoute } from './routes/v1/api-keys/revoke-api-key.ts';
import { rollApiKeyRoute } from './routes/v1/api-keys/roll-api-key.ts';
import { createDomainRoute } from './routes/v1/domains/create-domain.ts';
import { deleteDomainRoute } from './routes/v1/domains/delete-domain.ts';
import { getDomainRoute } from './routes/v1/domains/get-domain.ts';
import { listDomainsRoute } from './routes/v1/domains/list-domains.ts';
import { rotateDkimRoute } from './routes/v1/domains/rotate-dkim.ts';
import { updateDomainRoute } from './routes/v1/domains/update-domain.ts';
import { verifyDomainRoute } from './routes/v1/domains/verify-domain.ts';
import { cancelMessageRoute } from './routes/v1/messages/cancel-message.ts';
import { createBatchRoute } from './routes/v1/messages/create-batch.ts';
import { createRawMessageRoute } from './routes/v1/messages/create-raw-message.ts';
import { createMessageRoute } from './routes/v1/messages/create-message.ts';
import { getMessageRawRoute } from './routes/v1/messages/get-message-raw.ts';
import { getMessageReportRoute } from './routes/v1/messages/get-message-report.ts';
import { getMessageRoute } from './routes/v1/messages/get-message.ts';
import { listMessageEventsRoute } from './routes/v1/messages/list-message-events.ts';
import { listMessagesRoute } from './routes/v1/messages/list-messages.ts';
import { createSuppressionRoute } from './routes/v1/suppressions/create-suppression.ts';
import { deleteSuppressionRoute } from './routes/v1/suppressions/delete-suppression.ts';
import { listSuppressionsRoute } from './routes/v1/suppressions/list-suppressions.ts';
import { getStatsRoute } from './routes/v1/stats/get-stats.ts';
import { createWebhookRoute } from './routes/v1/webhooks/create-webhook.ts';
import { deleteWebhookRoute } from './routes/v1/webhooks/delete-webhook.ts';
import { getWebhookRoute } from './routes/v1/webhooks/get-webhook.ts';
import { listWebhookDeliveriesRoute } from './routes/v1/webhooks/list-webhook-deliveries.ts';
import { listWebhooksRoute } from './routes/v1/webhooks/list-webhooks.ts';
import { replayWebhookDeliveriesRoute } from './routes/v1/webhooks/replay-webhook-deliveries.ts';
import { retryWebhookDeliveryRoute } from './routes/v1/webhooks/retry-webhook-delivery.ts';
import { rotateWebhookSecretRoute } from './routes/v1/webhooks/rotate-webhook-secret.ts';
import { testWebhookRoute } from './routes/v1/webhooks/test-webhook.ts';
import { updateWebhookRoute } from './routes/v1/webhooks/update-webhook.ts';
import { createTemplateRoute } from './routes/v1/templates/create-template.ts';
import { deleteTemplateRoute } from './routes/v1/templates/delete-template.ts';
import { getTemplateRoute } from './routes/v1/templates/get-template.ts';
import { listTemplateVersionsRoute } from './routes/v1/templates/list-template-versions.ts';
import { listTemplatesRoute } from './routes/v1/templates/list-templates.ts';
import { renderTemplateRoute } from './routes/v1/templates/render-template.ts';
import { updateTemplateRoute } from './routes/v1/templates/update-template.ts';
import { UNSUBSCRIBE_PREFIX, unsubscribeRoutes } from './unsubscribe/unsubscribe-routes.ts';
import { dashboardPlugin, type DashboardDeps } from './dashboard/plugin.ts';

export interface AppDeps {
  config: ApiConfig;
  db: Db;
  /** The process's group readers and writers (key lookups, intake's facts and commits). */
  store: Store;
  /** Adds delivery jobs (BullMQ in production). */
  enqueue: IntakeDeps['enqueue'];
  log: Logger;
  /** Looks domains' records up (HERALD_DNS_SERVERS). */
  resolver: DnsResolver;
  /** Seals new DKIM keys. */
  masterKey: Buffer;
  domainSettings: DomainSettings;
  /** Per-key and per-project request rates, and daily quotas, kept in Redis; absent: no limits. */
  limits?: { rateLimiter: RateLimiter; dailyQuota: DailyQuota } | undefined;
  /** Named checks run by /readyz; each throws when its dependency does not answer. */
  readiness: Record<string, ReadinessCheck>;
  /** The BullMQ queues the queue board (/admin/queues, with HERALD_ADMIN_TOKEN) shows; absent: no board. */
  queueBoard?: { queues: Queue[] } | undefined;
  /** The web interface at /dashboard (its sessions in Redis); absent: no dashboard. */
  dashboard?: DashboardDeps | undefined;
}

export const API_VERSION = '0.1.0';

/** Builds the HTTP API without listening: main.ts listens, tests use app.inject. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // URLs are logged with their query values redacted (a key sent as ?api_key=… must not reach a log)
  const logger: FastifyBaseLogger = requestLogger(deps.log);
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: deps.config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: () => `req_${Math.random().toString(36).slice(2, 12)}`,
    // a suppressed address can be 254 characters, more once percent-encoded
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    // what Node and the router refuse is answered in Herald's error shape too
    clientErrorHandler: clientErrorHandler(deps.log),
    frameworkErrors: answerFrameworkError,
    http: { requireHostHeader: false },
    // a request arriving while the API drains is answered by refuseWhileDraining, in Herald's shape
    return503OnClosing: false,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  recordHttpMetrics(app);
  refuseWhileDraining(app);
  registerHttpErrorAnswers(app);
  registerJsonBodyParser(app);
  // NUL, lone surrogates and bad percent-encoding in path, query and headers: 400, before any route reads them
  app.addHook('preValidation', refuseBadText);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Herald API',
        version: API_VERSION,
        description: 'Send email through your own Herald server. Authenticate with `Authorization: Bearer <api key>`.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: 'http://127.0.0.1:3000', description: 'A local Herald' }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'A Herald API key (hk_live_… or hk_test_…)' },
          adminToken: { type: 'http', scheme: 'bearer', description: 'HERALD_ADMIN_TOKEN (the admin API is disabled without it)' },
          ...COMPAT_SECURITY_SCHEMES,
        },
      },
      tags: [
        { name: 'messages', description: 'Send messages and follow their delivery' },
        { name: 'suppressions', description: 'Addresses the project never sends to' },
        { name: 'stats', description: 'Counts, latency and top reasons over a range, per hour or day' },
        { name: 'domains', description: 'Sending domains: DKIM keys, DNS records, verification, rotation' },
        { name: 'api-keys', description: "The project's API keys: scopes, domains, expiry, revocation" },
        { name: 'webhooks', description: 'Signed event notifications, retried for a day, logged and replayable' },
        { name: 'templates', description: 'Stored Handlebars templates and layouts, versioned; send by template id or alias' },
        { name: 'admin', description: 'Projects, with HERALD_ADMIN_TOKEN' },
        ...COMPAT_TAGS,
        { name: 'health', description: 'Liveness and readiness probes' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => pruneUnusedSchemas(jsonSchemaTransformObject(input)),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(checkLivenessRoute());
  await app.register(checkReadinessRoute(deps));
  await app.register(getMetricsRoute(deps));
  await app.register(
    async (v1) => {
      v1.addHook('onRoute', (route) => {
        // every /v1 route needs a key, and may answer 429 when the key or project is over its rate
        const response = route.schema?.response as Record<number, unknown> | undefined;
        route.schema = { ...route.schema, security: [{ apiKey: [] }], response: { ...response, 429: errorBody } };
      });
      v1.addHook('onRequest', authenticate(deps.store));
      const rateLimit = apiRateLimit(deps.limits?.rateLimiter, deps.config);
      if (rateLimit) v1.addHook('onRequest', rateLimit);
      // registration order is the OpenAPI document's order
      for (const route of [
        createMessageRoute,
        createBatchRoute,
        createRawMessageRoute,
        listMessagesRoute,
        getMessageRoute,
        listMessageEventsRoute,
        getMessageRawRoute,
        getMessageReportRoute,
        cancelMessageRoute,
        getStatsRoute,
        listSuppressionsRoute,
        createSuppressionRoute,
        deleteSuppressionRoute,
        createDomainRoute,
        listDomainsRoute,
        getDomainRoute,
        updateDomainRoute,
        verifyDomainRoute,
        rotateDkimRoute,
        deleteDomainRoute,
        createApiKeyRoute,
        listApiKeysRoute,
        revokeApiKeyRoute,
        rollApiKeyRoute,
        createWebhookRoute,
        listWebhooksRoute,
        getWebhookRoute,
        updateWebhookRoute,
        deleteWebhookRoute,
        rotateWebhookSecretRoute,
        testWebhookRoute,
        listWebhookDeliveriesRoute,
        retryWebhookDeliveryRoute,
        replayWebhookDeliveriesRoute,
        createTemplateRoute,
        listTemplatesRoute,
        getTemplateRoute,
        updateTemplateRoute,
        deleteTemplateRoute,
        listTemplateVersionsRoute,
        renderTemplateRoute,
      ]) {
        await v1.register(route(deps));
      }
    },
    { prefix: '/v1' },
  );
  // /unsubscribe/<token>: one-click unsubscribe (RFC 8058) for recipients, without a key
  await app.register(unsubscribeRoutes(deps), { prefix: UNSUBSCRIBE_PREFIX });
  // the vendors' request shapes (Postmark, Resend, SendGrid), each under a prefix of its own
  await registerCompatEndpoints(app, deps);
  // /admin: projects, with HERALD_ADMIN_TOKEN; everything else uses project keys
  await app.register(
    async (admin) => {
      admin.addHook('onRequest', adminAuth(deps.config.adminToken));
      admin.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, security: [{ adminToken: [] }] };
      });
      for (const route of [createProjectRoute, listProjectsRoute]) {
        await admin.register(route(deps));
      }
    },
    { prefix: '/admin' },
  );
  if (deps.queueBoard) {
    await mountQueueBoard(app, { queues: deps.queueBoard.queues, adminToken: deps.config.adminToken, writable: deps.config.queueBoardWritable });
  }
  if (deps.dashboard) {
    await app.register(dashboardPlugin({ config: deps.config, db: deps.db, store: deps.store, dashboard: deps.dashboard, rateLimiter: deps.limits?.rateLimiter }), {
      prefix: '/dashboard',
    });
  }
  return app;
}
