import type { Store } from '../db/store.ts';
import { sqlPool, type Db } from '../db/client.ts';
import { createGroupWriter, type GroupWriter } from '../db/group-writer.ts';
import { prepared } from '../db/sql.ts';

interface Mark {
  recipientIds: string[];
  until: Date;
}

/** The group writer of sending marks a Store owns (one per process). */
export type SendingMarks = GroupWriter<Mark>;

const MARK_SQL = `UPDATE recipients r SET sending_until = x.until, updated_at = now()
 FROM jsonb_to_recordset($1::jsonb) AS x(id text, until timestamptz) WHERE r.id = x.id`;

export function createSendingMarks(db: Db): SendingMarks {
  return createGroupWriter(async (marks) => {
    const rows = marks.flatMap((m) => m.recipientIds.map((id) => ({ id, until: m.until })));
    await sqlPool(db).query(prepared('mark-sending', MARK_SQL, [JSON.stringify(rows)]));
  }, { name: 'sending-marks' });
}

/**
 * Marks recipients as possibly in an SMTP transaction until `until`, so that the sweeper never starts
 * a second attempt beside this one (see the worker's recovery/sweep.ts). Marks made while another is
 * being written go together in one statement (group commit): the deliveries of a batch reach this step
 * together. Resolves once the mark is committed.
 */
export function markSending(store: Store, recipientIds: string[], until: Date): Promise<void> {
  return store.sendingMarks.write({ recipientIds, until });
}
