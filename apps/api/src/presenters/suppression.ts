import type { SuppressionRow } from '@herald/core';

export function presentSuppression(s: SuppressionRow) {
  return {
    email: s.email,
    reason: s.reason,
    note: s.note,
    source_message_id: s.sourceMessageId,
    created_at: s.createdAt.toISOString(),
  };
}
