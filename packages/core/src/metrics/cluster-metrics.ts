import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { registry, renderMetrics } from './registry.ts';

const ASK = 'herald:cluster-metrics?';
const ANSWER = 'herald:cluster-metrics';
const WAIT_MS = 8_000;

interface Ask {
  type: typeof ASK;
  id: number;
}
interface Answer {
  type: typeof ANSWER;
  id: number;
  body?: string;
  error?: string;
}

const isAsk = (message: unknown): message is Ask => (message as Ask | null)?.type === ASK;
const isAnswer = (message: unknown): message is Answer => (message as Answer | null)?.type === ANSWER;

/**
 * `herald start api` with several processes (HERALD_API_PROCESSES) shares one port, so a scrape reaches
 * any one of them: the process it reaches asks the first process, which gathers every process's
 * registry (prom-client's AggregatorRegistry: counters and histograms summed, gauges as each declares)
 * and answers with the whole API's metrics. Call in the first process once the others are forked.
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    if (!isAsk(message)) return;
    aggregator.clusterMetrics().then(
      (body) => worker.send({ type: ANSWER, id: message.id, body } satisfies Answer),
      (err: Error) => worker.send({ type: ANSWER, id: message.id, error: err.message } satisfies Answer),
    );
  });
}

let joined = false;
let nextId = 0;
const waiting = new Map<number, (answer: Answer) => void>();

/** In an API process forked by the first one: lend this registry to the aggregation, and render through it. */
export function joinClusterMetrics(): void {
  if (!cluster.isWorker || joined) return;
  joined = true;
  new AggregatorRegistry(); // answers the first process's requests for this process's metrics
  AggregatorRegistry.setRegistries([registry]);
  process.on('message', (message: unknown) => {
    if (isAnswer(message)) waiting.get(message.id)?.(message);
  });
}

/** The metrics a scrape of this API process answers: the whole cluster's when it is one, else this process's. */
export async function renderApiMetrics(): Promise<{ contentType: string; body: string }> {
  if (!joined || !process.send) return renderMetrics();
  const id = nextId++;
  const answer = await new Promise<Answer>((resolve, reject) => {
    const timer = setTimeout(() => {
      waiting.delete(id);
      reject(new Error(`the first API process did not answer within ${WAIT_MS} ms`));
    }, WAIT_MS);
    waiting.set(id, (received) => {
      clearTimeout(timer);
      waiting.delete(id);
      resolve(received);
    });
    process.send?.({ type: ASK, id } satisfies Ask);
  });
  if (answer.error !== undefined || answer.body === undefined) throw new Error(`cluster metrics: ${answer.error ?? 'no answer'}`);
  return { contentType: registry.contentType, body: answer.body };
}
