import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../../../test/support/env.ts';
import { createDb, sqlPool } from './client.ts';
import { isDatabaseUnavailable } from './unavailable.ts';

describe('isDatabaseUnavailable', () => {
  const down = createDb('postgresql://postgres@127.0.0.1:9/none', { poolSize: 1 });
  const up = createDb(TEST_DATABASE_URL, { poolSize: 1 });
  afterAll(async () => {
    await down.$disconnect();
    await up.$disconnect();
  });

  it('recognises a refused connection as Prisma reports it', async () => {
    const err = await down.project.count().catch((e: unknown) => e);
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it('recognises a connection the server terminated (a restart), wrapped as Prisma wraps it', async () => {
    // the shape Prisma 7 gives when Postgres ends a pooled connection (seen in the fault suite)
    const err = Object.assign(new Error('Invalid `db.domain.findMany()` invocation: Database error'), {
      code: 'P2039',
      meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'postgres', code: '57P01', originalCode: '57P01' } } },
    });
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(isDatabaseUnavailable({ name: 'DriverAdapterError', cause: { kind: 'ConnectionClosed' } })).toBe(true);
  });

  it('recognises the plain-SQL paths failing to connect, and the pool timing out on a connection', async () => {
    const err = await sqlPool(down).query('SELECT 1').catch((e: unknown) => e);
    expect(isDatabaseUnavailable(err)).toBe(true);
    expect(isDatabaseUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('does not treat query errors as an outage', async () => {
    const missing = await up.$queryRaw`SELECT * FROM no_such_table`.catch((e: unknown) => e);
    expect(isDatabaseUnavailable(missing)).toBe(false);
    const division = await up.$executeRaw`SELECT 1/0`.catch((e: unknown) => e);
    expect(isDatabaseUnavailable(division)).toBe(false);
    expect(isDatabaseUnavailable(await sqlPool(up).query('SELECT 1/0').catch((e: unknown) => e))).toBe(false);
    expect(isDatabaseUnavailable(new Error('validation failed'))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });
});
