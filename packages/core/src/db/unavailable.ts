/**
 * Postgres being unreachable, as one typed error. The db layer (db/client.ts: the Prisma client and
 * the plain-SQL pool both) turns every error that means "could not reach Postgres" into a
 * DatabaseUnavailableError where it arises; everything above only asks `isDatabaseUnavailable(err)`,
 * an instanceof check, to retry, postpone or answer 503 / 451.
 */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';

  constructor(cause: unknown) {
    super(`Postgres is unavailable: ${(cause as Error | undefined)?.message ?? String(cause)}`, { cause });
  }
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return err instanceof DatabaseUnavailableError;
}

/** The error as the db layer rethrows it: a DatabaseUnavailableError when it means Postgres could not be reached, else itself. */
export function asDatabaseError(err: unknown): unknown {
  return !isDatabaseUnavailable(err) && meansUnreachable(err) ? new DatabaseUnavailableError(err) : err;
}

/** Error codes that mean Postgres could not be reached or went away (node, Postgres SQLSTATE, Prisma). */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown: terminating connection due to administrator command
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the database system is starting up / shutting down
  '08000',
  '08001',
  '08003',
  '08006',
  'P1001',
  'P1002',
  'P1017',
]);

/** Kinds of error the Prisma driver adapter reports for a lost or refused connection. */
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** node-postgres reports some of these with a message only. */
const UNAVAILABLE_MESSAGE = /Can't reach database|Connection terminated|connect ECONNREFUSED|terminating connection due to administrator command|the database system is (starting up|shutting down)|Connection ended unexpectedly|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Connection terminated due to connection timeout/;

/**
 * Whether an error from Prisma or node-postgres means Postgres could not be reached. Prisma wraps the
 * driver's error (in `cause`, or in `meta.driverAdapterError.cause`): every layer is looked at.
 */
function meansUnreachable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; kind?: unknown; message?: string; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.kind === 'string' && UNAVAILABLE_KINDS.has(e.kind)) return true;
  if (UNAVAILABLE_MESSAGE.test(e.message ?? '')) return true;
  return meansUnreachable(e.cause, depth + 1) || meansUnreachable(e.meta?.driverAdapterError, depth + 1);
}
