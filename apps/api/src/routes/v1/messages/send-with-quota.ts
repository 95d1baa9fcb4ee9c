import type { FastifyRequest } from 'fastify';
import { acceptMessages, findIdempotentReplay, storedIdempotencyKeys, type SendRequest } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { reserveDailyQuota } from '@herald/core/limits/reserve-quota';

/**
 * Intake under the project's daily quota: the recipients are counted before the commit and given back
 * if the request then fails, or turns out to be a replay of one already counted.
 */
export async function sendWithQuota(
  deps: AppDeps,
  request: FastifyRequest,
  requests: SendRequest[],
  options: Omit<Parameters<typeof acceptMessages>[3], 'maxMessageBytes'>,
) {
  const { idempotency } = options;
  if (idempotency) {
    // a replay answers as before, whatever today's quota: it sends nothing new
    const keys = storedIdempotencyKeys(idempotency.key, requests.length, idempotency.batch);
    const replay = await findIdempotentReplay(deps.db, request.auth.projectId, keys, idempotency.hash);
    if (replay) return { messages: replay, replayed: true };
  }
  const recipients = requests.reduce((n, r) => n + r.to.length + r.cc.length + r.bcc.length, 0);
  const limit = request.auth.dailyQuota ?? deps.config.dailyQuota;
  const release = deps.limits ? await reserveDailyQuota(deps.limits.dailyQuota, request.auth.projectId, recipients, limit, { log: request.log }) : null;
  try {
    const result = await acceptMessages(
      { db: deps.db, enqueue: deps.enqueue, log: request.log },
      { projectId: request.auth.projectId, apiKeyId: request.auth.apiKeyId, test: request.auth.test },
      requests,
      { maxMessageBytes: deps.config.maxMessageBytes, ...options },
    );
    if (result.replayed) await release?.();
    return result;
  } catch (err) {
    await release?.();
    throw err;
  }
}
