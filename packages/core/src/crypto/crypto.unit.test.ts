import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key.ts';
import { resolveMasterKey } from './master-key.ts';
import { open, seal } from './seal.ts';

const key = Buffer.alloc(32, 9);

describe('sealing secrets at rest', () => {
  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = seal('-----BEGIN PRIVATE KEY-----', key);
    const b = seal('-----BEGIN PRIVATE KEY-----', key);
    expect(a).not.toBe(b);
    expect(a).not.toContain('PRIVATE');
    expect(open(a, key)).toBe('-----BEGIN PRIVATE KEY-----');
  });

  it('refuses to open with the wrong key or after tampering', () => {
    const sealed = seal('secret', key);
    expect(() => open(sealed, Buffer.alloc(32, 8))).toThrow(/wrong HERALD_MASTER_KEY or corrupted/);
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3] as string, 'base64url');
    flipped[0] = (flipped[0] as number) ^ 1;
    parts[3] = flipped.toString('base64url');
    expect(() => open(parts.join('.'), key)).toThrow(/cannot be opened/);
    expect(() => open('v0.x.y.z', key)).toThrow(/unknown format/);
  });
});

describe('API keys', () => {
  it('have a recognisable prefix, 30 random base62 characters and a checksum', () => {
    const live = generateApiKey('live');
    expect(live.key).toMatch(/^hk_live_[0-9A-Za-z]{36}$/);
    expect(generateApiKey('test').key).toMatch(/^hk_test_/);
    expect(live.prefix).toBe(live.key.slice(0, 14));
    expect(isWellFormedApiKey(live.key)).toBe(true);
  });

  it('are stored as a SHA-256 hash only', () => {
    const generated = generateApiKey('live');
    expect(generated.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(generated.hash).toBe(hashApiKey(generated.key));
    expect(generated.hash).not.toContain(generated.key.slice(8, 20));
  });

  it('refuse a typo through the checksum, and anything of the wrong shape', () => {
    const { key: good } = generateApiKey('live');
    const typo = good.slice(0, 20) + (good[20] === 'a' ? 'b' : 'a') + good.slice(21);
    expect(isWellFormedApiKey(typo)).toBe(false);
    expect(isWellFormedApiKey(good.replace('hk_live_', 'hk_prod_'))).toBe(false);
    expect(isWellFormedApiKey(good + 'x')).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
  });

  it('never repeat', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey('live').key));
    expect(keys.size).toBe(1000);
  });
});

describe('the master key', () => {
  it('comes from HERALD_MASTER_KEY when set', () => {
    const configured = Buffer.alloc(32, 3).toString('base64');
    expect(resolveMasterKey({ env: 'production', masterKey: configured, dataDir: '/nonexistent' })).toEqual(Buffer.alloc(32, 3));
  });

  it('is generated once into the data directory in development, private to its owner, and reused', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'herald-key-'));
    const warnings: string[] = [];
    const first = resolveMasterKey({ env: 'development', dataDir }, { warn: (_o: unknown, msg?: string) => warnings.push(msg ?? '') });
    const second = resolveMasterKey({ env: 'development', dataDir });
    expect(first).toHaveLength(32);
    expect(second).toEqual(first);
    expect(readFileSync(join(dataDir, 'master.key'), 'utf8').trim()).toBe(first.toString('base64'));
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
  });

  it('is never generated outside development', () => {
    expect(() => resolveMasterKey({ env: 'production', dataDir: '/tmp' })).toThrow(/required when HERALD_ENV=production/);
    expect(() => resolveMasterKey({ env: 'test', dataDir: '/tmp' })).toThrow(/required when HERALD_ENV=test/);
  });
});
