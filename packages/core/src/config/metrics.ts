import { z } from 'zod';
import { boolFlag, defineSettings } from './settings.ts';

/** Prometheus metrics, read by every process (docs/operations.md lists the metrics). */
export const metricsSettings = defineSettings({
  metrics: {
    env: 'HERALD_METRICS',
    schema: boolFlag(),
    default: 'true',
    doc: 'Collect Prometheus metrics in every process. false: nothing is recorded and every /metrics endpoint answers 404 (the benchmark compares both).',
  },
  metricsToken: {
    env: 'HERALD_METRICS_TOKEN',
    schema: z.string().min(32, 'must be at least 32 characters (e.g. `openssl rand -hex 32`)').optional(),
    doc: "Bearer token Prometheus sends to read /metrics, on the API and on the worker's and SMTP listener's health ports: at least 32 characters. Unset: /metrics answers without a token in development, and not at all (404) otherwise.",
    secret: true,
  },
  metricsDestinations: {
    env: 'HERALD_METRICS_DESTINATIONS',
    schema: z.coerce.number({ message: 'must be a number' }).int().min(0).max(10_000),
    default: '50',
    doc: 'How many destinations (MX hosts) get a label of their own in the SMTP metrics, the first seen by each process; later ones are counted as `other`, so the series stay bounded.',
  },
});
