import perfHooks from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';

describe("the process's default metrics", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
  });

  it("sample the event loop's delay every EVENT_LOOP_SAMPLE_MS (100 ms), not every 10 ms, and still report it", async () => {
    const real = perfHooks.monitorEventLoopDelay;
    const asked: (number | undefined)[] = [];
    vi.spyOn(perfHooks, 'monitorEventLoopDelay').mockImplementation((options) => {
      asked.push(options?.resolution);
      return real(options);
    });
    // a registry of its own: startMetrics collects the defaults once per module instance
    vi.resetModules();
    const { startMetrics, renderMetrics, EVENT_LOOP_SAMPLE_MS } = await import('./registry.ts');
    startMetrics({ enabled: true, destinations: 5 });

    expect(EVENT_LOOP_SAMPLE_MS).toBe(100);
    expect(asked).toEqual([100]);
    const { body } = await renderMetrics();
    expect(body).toMatch(/^nodejs_eventloop_lag_p99_seconds\{?[^\n]*\}? \d/m);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds\{?[^\n]*\}? \d/m);
  });

  it('start no monitor at all with collection off (HERALD_METRICS=false)', async () => {
    const spy = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    vi.resetModules();
    const { startMetrics, renderMetrics } = await import('./registry.ts');
    startMetrics({ enabled: false, destinations: 5 });

    expect(spy).not.toHaveBeenCalled();
    expect((await renderMetrics()).body).not.toContain('nodejs_eventloop_lag');
  });
});
