import { describe, expect, it } from 'vitest';
import { loadApiConfig } from './api.ts';
import { ConfigError } from './settings.ts';
import { loadWorkerConfig } from './worker.ts';
import { migrationDatabaseUrl } from './common.ts';
import { loadSmtpConfig } from './smtp.ts';
import { loadInboundConfig } from './inbound.ts';

const KEY = Buffer.alloc(32, 1).toString('base64');

describe('configuration', () => {
  it('runs a fresh checkout on defaults: local Postgres and Redis, port 3000, MX port 25', () => {
    const api = loadApiConfig({});
    expect(api).toMatchObject({ env: 'development', databaseUrl: 'postgresql://postgres@127.0.0.1:5432/herald', redisUrl: 'redis://127.0.0.1:6379', port: 3000, host: '127.0.0.1' });
    const worker = loadWorkerConfig({});
    expect(worker).toMatchObject({ mxPort: 25, dnsServers: [], retrySchedule: [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000], maxMessageAgeMs: 3 * 86_400_000 });
  });

  it('parses the environment once into a frozen object', () => {
    const config = loadWorkerConfig({ HERALD_DNS_SERVERS: '127.0.0.1:5353, [::1]:53,10.0.0.1', HERALD_MX_PORT: '2525' });
    expect(config.dnsServers).toEqual(['127.0.0.1:5353', '[::1]:53', '10.0.0.1']);
    expect(config.mxPort).toBe(2525);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadApiConfig({ HERALD_API_PORT: '' }).port).toBe(3000);
  });

  it('fails fast naming every bad variable and the rule it broke', () => {
    let error: unknown;
    try {
      loadWorkerConfig({ HERALD_MX_PORT: 'twenty-five', DATABASE_URL: 'mysql://x', HERALD_DNS_SERVERS: 'dns.example' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('HERALD_MX_PORT: must be a port number');
    expect(message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL (value hidden)');
    expect(message).toContain('HERALD_DNS_SERVERS: each entry must be an IP, IP:port or [IPv6]:port');
  });

  it('takes HERALD_PUBLIC_URL only as an https:// URL without a query, fragment or credentials (RFC 8058 links)', () => {
    expect(loadWorkerConfig({ HERALD_PUBLIC_URL: 'https://mail.example.com/herald' }).publicUrl).toBe('https://mail.example.com/herald');
    expect(loadWorkerConfig({}).publicUrl).toBeUndefined();
    for (const bad of ['http://mail.example.com', 'https://mail.example.com/?a=1', 'https://mail.example.com/#x', 'https://user:pw@mail.example.com', 'mail.example.com', 'https://mail.example.com/?']) {
      expect(() => loadWorkerConfig({ HERALD_PUBLIC_URL: bad }), bad).toThrow(/HERALD_PUBLIC_URL: must be an https:\/\/ URL/);
    }
  });

  it('never echoes a secret value in an error', () => {
    expect(() => loadApiConfig({ HERALD_MASTER_KEY: 'hunter2-not-a-key' })).toThrow(/HERALD_MASTER_KEY: must be 32 random bytes in base64 .*\(value hidden\)/);
    expect(() => loadApiConfig({ HERALD_MASTER_KEY: 'hunter2-not-a-key' })).not.toThrow(/hunter2/);
  });

  it('reads from a replica only when DATABASE_READ_URL is a Postgres URL, and never echoes it', () => {
    expect(loadApiConfig({}).databaseReadUrl).toBeUndefined();
    expect(loadApiConfig({ DATABASE_READ_URL: 'postgresql://reader:pw@replica.internal:5432/herald' }).databaseReadUrl).toBe('postgresql://reader:pw@replica.internal:5432/herald');
    expect(() => loadApiConfig({ DATABASE_READ_URL: 'mysql://reader:s3cret@replica/herald' })).toThrow(/DATABASE_READ_URL: must be a postgres:\/\/ or postgresql:\/\/ URL .*\(value hidden\)/);
    expect(() => loadApiConfig({ DATABASE_READ_URL: 'mysql://reader:s3cret@replica/herald' })).not.toThrow(/s3cret/);
  });

  it('refuses to start in production without HERALD_MASTER_KEY, and accepts a valid one', () => {
    expect(() => loadApiConfig({ HERALD_ENV: 'production' })).toThrow(/HERALD_MASTER_KEY: required when HERALD_ENV=production/);
    expect(loadApiConfig({ HERALD_ENV: 'production', HERALD_MASTER_KEY: KEY }).masterKey).toBe(KEY);
  });

  it('refuses an admin token shorter than 32 characters, naming the variable and the rule but never the token', () => {
    const short = 'short-admin-token-0123456789abc';
    expect(short).toHaveLength(31);
    expect(() => loadApiConfig({ HERALD_ADMIN_TOKEN: short })).toThrow(
      /HERALD_ADMIN_TOKEN: must be at least 32 characters \(e\.g\. `openssl rand -hex 32`\) \(value hidden\)/,
    );
    expect(() => loadApiConfig({ HERALD_ADMIN_TOKEN: short })).not.toThrow(new RegExp(short));
    expect(loadApiConfig({ HERALD_ADMIN_TOKEN: 'a'.repeat(32) }).adminToken).toBe('a'.repeat(32));
  });

  it('refuses a domain re-check interval under a minute at start, naming the variable and the rule', () => {
    expect(() => loadWorkerConfig({ HERALD_DOMAIN_RECHECK_INTERVAL: '30s' })).toThrow(ConfigError);
    expect(() => loadWorkerConfig({ HERALD_DOMAIN_RECHECK_INTERVAL: '30s' })).toThrow(/HERALD_DOMAIN_RECHECK_INTERVAL: must be at least 1m.*\(got "30s"\)/);
    expect(loadWorkerConfig({ HERALD_DOMAIN_RECHECK_INTERVAL: '1m' }).domainRecheckMs).toBe(60_000);
  });

  it('refuses a DKIM rotation grace under a day, saying why', () => {
    expect(() => loadApiConfig({ HERALD_DKIM_ROTATION_GRACE: '23h' })).toThrow(
      /HERALD_DKIM_ROTATION_GRACE: must be at least 1d: mail signed with the old key .* must still verify \(got "23h"\)/,
    );
    expect(loadWorkerConfig({ HERALD_DKIM_ROTATION_GRACE: '1d' }).dkimRotationGraceMs).toBe(86_400_000);
  });

  it('refuses a job lock timeout under 5 seconds (connection slots are leased for that long too)', () => {
    expect(() => loadWorkerConfig({ HERALD_JOB_LOCK_TIMEOUT: '0s' })).toThrow(/HERALD_JOB_LOCK_TIMEOUT: must be at least 5s \(got "0s"\)/);
    expect(loadWorkerConfig({ HERALD_JOB_LOCK_TIMEOUT: '5s' }).jobLockMs).toBe(5_000);
  });

  it('refuses a malformed retry schedule', () => {
    expect(() => loadWorkerConfig({ HERALD_RETRY_SCHEDULE: '1m,soon' })).toThrow(/HERALD_RETRY_SCHEDULE: must be a comma-separated list of durations/);
  });

  describe('behind a connection pooler', () => {
    const pooled = 'postgresql://herald@pgbouncer.internal:6432/herald';
    const direct = 'postgresql://herald@db.internal:5432/herald';

    it('talks to Postgres directly by default, and migrates over DATABASE_URL', () => {
      const config = loadApiConfig({});
      expect(config.databasePooler).toBe('none');
      expect(migrationDatabaseUrl(config)).toBe(config.databaseUrl);
    });

    it('with HERALD_DATABASE_POOLER=transaction, migrates over DATABASE_DIRECT_URL, and refuses to migrate without one', () => {
      const config = loadWorkerConfig({ DATABASE_URL: pooled, HERALD_DATABASE_POOLER: 'transaction', DATABASE_DIRECT_URL: direct });
      expect(migrationDatabaseUrl(config)).toBe(direct);
      const withoutDirect = loadWorkerConfig({ DATABASE_URL: pooled, HERALD_DATABASE_POOLER: 'transaction' });
      expect(() => migrationDatabaseUrl(withoutDirect)).toThrow(ConfigError);
      expect(() => migrationDatabaseUrl(withoutDirect)).toThrow(/DATABASE_DIRECT_URL: required to migrate when HERALD_DATABASE_POOLER=transaction/);
      // a direct URL is used whatever the pooler setting
      expect(migrationDatabaseUrl(loadApiConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct }))).toBe(direct);
    });

    it("refuses Prisma's pgbouncer=true flag without HERALD_DATABASE_POOLER=transaction, in every process", () => {
      const env = { DATABASE_URL: `${pooled}?pgbouncer=true` };
      for (const load of [loadApiConfig, loadWorkerConfig, loadSmtpConfig, loadInboundConfig]) {
        expect(() => load(env)).toThrow(/DATABASE_URL: has pgbouncer=true, which Herald does not read: set HERALD_DATABASE_POOLER=transaction/);
        expect(load({ ...env, HERALD_DATABASE_POOLER: 'transaction' }).databasePooler).toBe('transaction');
      }
      expect(() => loadApiConfig({ ...env, HERALD_DATABASE_POOLER: 'transaction' })).not.toThrow();
    });

    it('refuses an unknown pooler mode and a direct URL that is not postgres://, hiding the URL', () => {
      expect(() => loadApiConfig({ HERALD_DATABASE_POOLER: 'session' })).toThrow(/HERALD_DATABASE_POOLER: .*\(got "session"\)/);
      expect(() => loadApiConfig({ DATABASE_DIRECT_URL: 'mysql://root:hunter2@db/x' })).toThrow(/DATABASE_DIRECT_URL: must be a postgres:\/\/ or postgresql:\/\/ URL \(value hidden\)/);
      expect(() => loadApiConfig({ DATABASE_DIRECT_URL: 'mysql://root:hunter2@db/x' })).not.toThrow(/hunter2/);
    });
  });
});
