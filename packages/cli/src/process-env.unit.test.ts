import { describe, expect, it } from 'vitest';
import { recommendedProcessEnv } from './process-env.ts';

describe('the environment Herald starts its processes in', () => {
  it('adds two malloc arenas to every process, an 8 MB semi-space to a worker and a large one to the API', () => {
    expect(recommendedProcessEnv({ PATH: '/bin', NODE_OPTIONS: '--enable-source-maps' }, 'worker')).toMatchObject({
      PATH: '/bin',
      MALLOC_ARENA_MAX: '2',
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=8',
    });
    expect(recommendedProcessEnv({ NODE_OPTIONS: '--enable-source-maps' }, 'api')).toMatchObject({
      MALLOC_ARENA_MAX: '2',
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=64',
    });
    expect(recommendedProcessEnv({}, 'smtp')).toMatchObject({ MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '' });
  });

  it('never overrides what the operator set', () => {
    const env = recommendedProcessEnv({ MALLOC_ARENA_MAX: '8', NODE_OPTIONS: '--max-semi-space-size=16' }, 'worker');
    expect(env).toMatchObject({ MALLOC_ARENA_MAX: '8', NODE_OPTIONS: '--max-semi-space-size=16' });
    expect(recommendedProcessEnv({ NODE_OPTIONS: '--max-semi-space-size=1' }, 'api')).toMatchObject({ NODE_OPTIONS: '--max-semi-space-size=1' });
  });
});
