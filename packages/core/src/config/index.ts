export * from './settings.ts';
export * from './common.ts';
export * from './api.ts';
export * from './worker.ts';
export * from './intake.ts';
export * from './smtp.ts';
export * from './metrics.ts';
export * from './inbound.ts';
import { apiOnlySettings } from './api.ts';
import { commonSettings } from './common.ts';
import { workerOnlySettings } from './worker.ts';
import { intakeSettings } from './intake.ts';
import { smtpOnlySettings } from './smtp.ts';
import { metricsSettings } from './metrics.ts';
import { inboundOnlySettings } from './inbound.ts';

/** Every setting of every process, in the order the docs list them. */
export const allSettings = [
  { group: 'All processes', settings: commonSettings },
  { group: 'Metrics (every process)', settings: metricsSettings },
  { group: 'Intake (API and SMTP)', settings: intakeSettings },
  { group: 'API', settings: apiOnlySettings },
  { group: 'SMTP submission', settings: smtpOnlySettings },
  { group: 'Worker', settings: workerOnlySettings },
  { group: 'Inbound MX', settings: inboundOnlySettings },
] as const;
