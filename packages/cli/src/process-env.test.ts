import { describe, expect, it } from 'vitest';
import { recommendedProcessEnv } from './process-env.ts';

describe('the environment Herald starts its processes in', () => {
  it('adds two malloc arenas and a 2 MB semi-space to what is there', () => {
    const env = recommendedProcessEnv({ PATH: '/bin', NODE_OPTIONS: '--enable-source-maps' });
    expect(env).toMatchObject({ PATH: '/bin', MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=2' });
  });

  it('never overrides what the operator set', () => {
    const env = recommendedProcessEnv({ MALLOC_ARENA_MAX: '8', NODE_OPTIONS: '--max-semi-space-size=16' });
    expect(env).toMatchObject({ MALLOC_ARENA_MAX: '8', NODE_OPTIONS: '--max-semi-space-size=16' });
  });
});
