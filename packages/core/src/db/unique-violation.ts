/**
 * Whether a write failed on a unique constraint: Postgres' SQLSTATE 23505 from the plain-SQL paths,
 * Prisma's P2002 from the client. The one place that knows both spellings.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'P2002';
}
