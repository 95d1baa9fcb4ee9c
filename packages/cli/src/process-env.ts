/**
 * The environment Herald's processes run best in, added to what the operator set (never overriding
 * it): glibc keeps at most two malloc arenas (a Node process otherwise keeps one per thread, each
 * holding memory it has freed), and a worker's V8 young generation stays at 8 MB per semi-space
 * (scavenges cheap and frequent instead of the heap growing first; V8's default is 16). Together they
 * took about 50 MB off a worker's resident memory (with 2 MB then). Each step up cost a little memory
 * and saved CPU, measured with two workers side by side on one queue: 4 MB about 7% less worker CPU
 * per message than 2 MB, for about 10 MB more in the median (at 2 MB more of each batch outlived two
 * scavenges and was promoted); 8 MB about 4% less than 4 MB, for about 17 MB more (187 against 170 MB),
 * taken once the fixed heap-growing factor (heap-growing.ts) had made a worker about 30 MB smaller
 * (docs/performance.md). The API, which allocates far more per request, may
 * grow its young generation to 64 MB per semi-space instead (V8's default is 16): a batch of
 * 500 messages (about 40 MB of short-lived strings and objects) then dies young instead of being
 * copied by scavenge after scavenge, about a quarter less API CPU per batched message; a small one
 * cost it about 5% of its throughput. Both are read when a process starts, so they are set for child
 * processes (`herald start all`, the Docker image and compose file, the benchmark), not from inside one.
 */
export function recommendedProcessEnv(env: NodeJS.ProcessEnv, role: 'api' | 'worker' | 'smtp' | 'inbound'): NodeJS.ProcessEnv {
  const nodeOptions = env.NODE_OPTIONS ?? '';
  const semiSpace = /--max-semi-space-size/.test(nodeOptions) ? '' : (SEMI_SPACE[role] ?? '');
  return {
    ...env,
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2',
    NODE_OPTIONS: `${nodeOptions} ${semiSpace}`.trim(),
  };
}

/** V8's young generation by role (see above); the others keep V8's default. */
const SEMI_SPACE: Partial<Record<'api' | 'worker' | 'smtp' | 'inbound', string>> = {
  api: '--max-semi-space-size=64',
  worker: '--max-semi-space-size=8',
};
