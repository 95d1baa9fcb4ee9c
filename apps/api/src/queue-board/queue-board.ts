import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
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
  await app.register(
    async (board) => {
      board.addHook('onRequest', boardGuard({ adminToken: options.adminToken, writable: options.writable }));
      await board.register(serverAdapter.registerPlugin());
    },
    { prefix: QUEUE_BOARD_PATH },
  );
}
