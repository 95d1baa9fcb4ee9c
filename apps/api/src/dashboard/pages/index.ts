import type { FastifyInstance } from 'fastify';
import { apiKeyPages } from './api-keys.ts';
import { domainsPages } from './domains.ts';
import { messagePages } from './message.ts';
import { messagesPage } from './messages.ts';
import { overviewPage } from './overview.ts';
import { queuesPage, type QueueOverview } from './queues.ts';
import { suppressionPages } from './suppressions.ts';
import { webhookPages } from './webhooks.ts';

/** The screens behind sign-in, one module each. */
export function dashboardPages(deps: { queues: QueueOverview | undefined }) {
  return async (app: FastifyInstance) => {
    await app.register(overviewPage());
    await app.register(messagesPage());
    await app.register(messagePages());
    await app.register(domainsPages());
    await app.register(apiKeyPages());
    await app.register(webhookPages());
    await app.register(suppressionPages());
    await app.register(queuesPage(deps.queues));
  };
}
