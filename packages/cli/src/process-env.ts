/**
 * The environment Herald's processes run best in, added to what the operator set (never overriding
 * it): glibc keeps at most two malloc arenas (a Node process otherwise keeps one per thread, each
 * holding memory it has freed), and a worker's V8 young generation stays at 2 MB per semi-space
 * (scavenges cheap and frequent instead of the heap growing first). Together they take about 50 MB
 * off a worker's resident memory at no cost in delivery rate; the API, which allocates far more per
 * request, keeps V8's default (a small young generation cost it about 5% of its throughput). Both
 * are read when a process starts, so they are set for child processes (`herald start all`, the
 * Docker image and compose file, the benchmark), not from inside one.
 */
export function recommendedProcessEnv(env: NodeJS.ProcessEnv, role: 'api' | 'worker' | 'smtp' | 'inbound'): NodeJS.ProcessEnv {
  const nodeOptions = env.NODE_OPTIONS ?? '';
  const semiSpace = role === 'worker' && !/--max-semi-space-size/.test(nodeOptions);
  return {
    ...env,
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2',
    NODE_OPTIONS: semiSpace ? `${nodeOptions} --max-semi-space-size=2`.trim() : nodeOptions,
  };
}
