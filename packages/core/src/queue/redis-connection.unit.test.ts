import { describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../config/worker.ts';
import { parseRedisUrl } from './redis-connection.ts';

describe('REDIS_URL', () => {
  it('names one Redis with redis:// or rediss://, unchanged', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379')).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
    expect(parseRedisUrl('rediss://u:p@redis.example:6380/2')).toEqual({ kind: 'single', url: 'rediss://u:p@redis.example:6380/2' });
  });

  it('names a cluster with redis+cluster://, its nodes listed with commas, credentials and TLS for every node', () => {
    expect(parseRedisUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001,[::1]:7002,redis-3')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 7001 },
        { host: '::1', port: 7002 },
        { host: 'redis-3', port: 6379 },
      ],
      tls: false,
    });
    expect(parseRedisUrl('rediss+cluster://herald:p%40ss%3Aw@a:1,b:2')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2 },
      ],
      username: 'herald',
      password: 'p@ss:w',
      tls: true,
    });
    expect(parseRedisUrl('redis+cluster://:secret@a:1')).toMatchObject({ password: 'secret' });
  });

  it('names a Sentinel-watched master with redis+sentinel://…/<name>', () => {
    expect(parseRedisUrl('redis+sentinel://:pw@s1:26379,s2/mymaster/3?sentinel_password=spw')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'mymaster',
      password: 'pw',
      sentinelPassword: 'spw',
      db: 3,
      tls: false,
    });
  });

  it('refuses malformed URLs with a reason that never holds the password', () => {
    for (const bad of [
      'http://127.0.0.1:6379',
      'redis+cluster://',
      'redis+cluster://a:1/0',
      'redis+sentinel://s1:26379',
      'redis+cluster://a:99999',
      'redis+cluster://:hunter2@a:x',
      'redis+mesh://a:1',
    ]) {
      let message = '';
      try {
        parseRedisUrl(bad);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, bad).not.toBe('');
      expect(message).not.toContain('hunter2');
    }
  });

  it('is checked when the configuration loads', () => {
    const env = { HERALD_ENV: 'test', DATABASE_URL: 'postgresql://x@127.0.0.1/x', HERALD_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(loadWorkerConfig({ ...env, REDIS_URL: 'redis+cluster://127.0.0.1:7000,127.0.0.1:7001' }).redisUrl).toBe('redis+cluster://127.0.0.1:7000,127.0.0.1:7001');
    expect(() => loadWorkerConfig({ ...env, REDIS_URL: 'redis+cluster://:hunter2@a:x' })).toThrow(/REDIS_URL/);
    expect(() => loadWorkerConfig({ ...env, REDIS_URL: 'redis+cluster://:hunter2@a:x' })).not.toThrow(/hunter2/);
  });
});
