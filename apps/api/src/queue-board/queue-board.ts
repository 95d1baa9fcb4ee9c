import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { HeraldError } from '@herald/core';
import { boardGuard } from './board-guard.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board at /admin/queues: the BullMQ queues with their waiting, active, delayed, failed and
 * completed jobs and each job's data, behind HERALD_ADMIN_TOKEN (board-guard.ts). Read-only unless
 * HERALD_QUEUE_BOARD_WRITABLE is set: then the token holder may also retry, promote, clean and remove.
 */
export async function mountQueueBoard(
  app: FastifyInstance,
  options: { queues: Queue[]; adminToken: string | undefined; writable: boolean },
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: options.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: !options.writable, allowRetries: options.writable })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Herald queues' } },
  });
  // the board's routes have an error handler of their own: Herald's shape, never a 500
  serverAdapter.setErrorHandler(boardError);
  await app.register(
    async (board) => {
      board.addHook('onRequest', boardGuard({ adminToken: options.adminToken, writable: options.writable }));
      await board.register(serverAdapter.registerPlugin());
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}

/**
 * What the board answers when one of its routes fails: a registry error as it is (bad text in a query
 * is 400 validation_failed); another 4xx as bad_request; anything else is the queues being
 * unreachable (Redis), 503.
 */
type BoardAnswer = ReturnType<Parameters<FastifyAdapter['setErrorHandler']>[0]>;

function boardError(error: Error): BoardAnswer {
  const { statusCode } = error as Error & { statusCode?: number };
  const herald =
    error instanceof HeraldError
      ? error
      : statusCode !== undefined && statusCode < 500
        ? new HeraldError(statusCode === 404 ? 'not_found' : 'bad_request', error.message)
        : new HeraldError('service_unavailable', `the queues could not be read: ${error.message}`);
  return { status: herald.status as BoardAnswer['status'], body: herald.toJSON() as BoardAnswer['body'] };
}
