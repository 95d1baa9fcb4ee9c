import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '@herald/test/support/env.ts';
import { sqlPool } from './client.ts';
import { createDb } from './orm.ts';
import { inTransaction } from './sql.ts';
import { asDatabaseError, DatabaseUnavailableError, isDatabaseUnavailable } from './unavailable.ts';

describe('the db layer types an unreachable Postgres as DatabaseUnavailableError', () => {
  const down = createDb('postgresql://postgres@127.0.0.1:9/none', { poolSize: 1 });
  const up = createDb(TEST_DATABASE_URL, { poolSize: 1 });
  afterAll(async () => {
    await down.$disconnect();
    await up.$disconnect();
  });

  it('raises it from Prisma operations, raw queries, batch and interactive transactions against a refusing server', async () => {
    const failures = await Promise.all([
      down.project.count().catch((e: unknown) => e),
      down.$queryRaw`SELECT 1`.catch((e: unknown) => e),
      down.$transaction([down.project.count()]).catch((e: unknown) => e),
      down.$transaction(async (tx) => tx.project.count()).catch((e: unknown) => e),
    ]);
    for (const err of failures) {
      expect(err).toBeInstanceOf(DatabaseUnavailableError);
      expect(isDatabaseUnavailable(err)).toBe(true);
    }
  });

  it('raises it from the plain-SQL pool, for a query and for a transaction', async () => {
    expect(await sqlPool(down).query('SELECT 1').catch((e: unknown) => e)).toBeInstanceOf(DatabaseUnavailableError);
    expect(await inTransaction(sqlPool(down), async (c) => c.query('SELECT 1')).catch((e: unknown) => e)).toBeInstanceOf(DatabaseUnavailableError);
  });

  it('recognises a connection the server terminated (a restart), wrapped as Prisma wraps it, and the pool timing out', () => {
    // the shape Prisma 7 gives when Postgres ends a pooled connection (seen in the fault suite)
    const terminated = Object.assign(new Error('Invalid `db.domain.findMany()` invocation: Database error'), {
      code: 'P2039',
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', code: '57P01', originalCode: '57P01' } } },
    });
    expect(asDatabaseError(terminated)).toBeInstanceOf(DatabaseUnavailableError);
    expect(asDatabaseError({ name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } })).toBeInstanceOf(DatabaseUnavailableError);
    expect(asDatabaseError(new Error('timeout exceeded when trying to connect'))).toBeInstanceOf(DatabaseUnavailableError);
    const typed = new DatabaseUnavailableError(terminated);
    expect(asDatabaseError(typed)).toBe(typed);
  });

  it('leaves query errors as they are: they are not an outage', async () => {
    const missing = await up.$queryRaw`SELECT * FROM no_such_table`.catch((e: unknown) => e);
    const division = await up.$executeRaw`SELECT 1/0`.catch((e: unknown) => e);
    const plain = await sqlPool(up).query('SELECT 1/0').catch((e: unknown) => e);
    for (const err of [missing, division, plain]) {
      expect(err).toBeInstanceOf(Error);
      expect(isDatabaseUnavailable(err)).toBe(false);
    }
    expect(asDatabaseError(new Error('validation failed'))).not.toBeInstanceOf(DatabaseUnavailableError);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
