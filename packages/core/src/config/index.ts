export * from './settings.ts';
export * from './common.ts';
export * from './api.ts';
export * from './worker.ts';
import { apiOnlySettings } from './api.ts';
import { commonSettings } from './common.ts';
import { workerOnlySettings } from './worker.ts';

/** Every setting of every process, in the order the docs list them. */
export const allSettings = [
  { group: 'All processes', settings: commonSettings },
  { group: 'API', settings: apiOnlySettings },
  { group: 'Worker', settings: workerOnlySettings },
] as const;
