export * from './capped-label.ts';
export * from './registry.ts';
export * from './sources.ts';
export * from './metrics-access.ts';
export type { HeraldMetrics } from './definitions.ts';
export * from './cluster-metrics.ts';
