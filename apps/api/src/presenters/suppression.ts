import type { Prisma } from '@herald/core';

export function presentSuppression(s: Prisma.SuppressionGetPayload<object>) {
  return {
    email: s.email,
    reason: s.reason,
    note: s.note,
    source_message_id: s.sourceMessageId,
    created_at: s.createdAt.toISOString(),
  };
}
