import { collectDefaultMetrics, Registry } from 'prom-client';
import { createCappedLabel } from './capped-label.ts';
import { defineMetrics, noopMetrics, type HeraldMetrics } from './definitions.ts';

/** The one registry of this process: Node's default metrics and Herald's own (herald_…). */
export const registry = new Registry();

let current: HeraldMetrics = defineMetrics(registry);
let enabled = true;
let defaultsCollected = false;
let destination = createCappedLabel(50);

/**
 * How often Node's event-loop-delay monitor samples the loop, in ms (prom-client's
 * nodejs_eventloop_lag_min/max/mean/stddev/p50/p90/p99 gauges; its default is 10). The monitor is a
 * timer that wakes the process each time: at 10 ms an idle API spent 1.1–2.1% of a core and two idle
 * workers 3.8–3.9%, at 100 ms 0.2–0.7% and 2.1–2.7% (docs/performance.md). A stall still shows in
 * full: the sample after it comes late by as much.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** Herald's metrics, to record with (no-ops while collection is off). */
export function metrics(): HeraldMetrics {
  return current;
}

export interface MetricsOptions {
  /** HERALD_METRICS: false turns every recording into a no-op and the registry is left empty. */
  enabled: boolean;
  /** HERALD_METRICS_DESTINATIONS: how many MX hosts get a label value of their own (the rest are `other`). */
  destinations: number;
}

/**
 * Called once at start-up by each process (`herald start …`): with collection on, Node's default
 * process metrics (CPU, heap, event-loop lag, GC) join Herald's; with it off, nothing is collected.
 */
export function startMetrics(options: MetricsOptions): void {
  destination = createCappedLabel(options.destinations);
  enabled = options.enabled;
  if (!enabled) {
    registry.clear();
    current = noopMetrics(current);
    return;
  }
  if (!defaultsCollected) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    // gauges named _total, which `promtool check metrics` refuses; nodejs_active_handles{type} (and
    // _requests, _resources) hold the same counts by type
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
    defaultsCollected = true;
  }
}

export function metricsEnabled(): boolean {
  return enabled;
}

/** A destination (MX host or relay) as a label: its name for the first N seen, `other` after. */
export function destinationLabel(host: string | null | undefined): string {
  return destination(host);
}

/** The registry in Prometheus' text format. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** Seconds from milliseconds, as Prometheus' base unit wants them. */
export const seconds = (ms: number): number => ms / 1000;
