/** Whether an error from Prisma/pg means Postgres could not be reached (so the caller should retry). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string };
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', 'P1001', 'P1002', 'P1017'].includes(e.code ?? '') ||
    e.name === 'DriverAdapterError' ||
    /Can't reach database|Connection terminated|connect ECONNREFUSED/.test(e.message ?? '')
  );
}
