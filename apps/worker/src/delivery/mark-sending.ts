import { createGroupWriter, prepared, sqlPool, type Db, type GroupWriter } from '@herald/core';

interface Mark {
  recipientIds: string[];
  until: Date;
}

const writers = new WeakMap<Db, GroupWriter<Mark>>();

const MARK_SQL = `UPDATE recipients r SET sending_until = x.until, updated_at = now()
 FROM jsonb_to_recordset($1::jsonb) AS x(id text, until timestamptz) WHERE r.id = x.id`;

/**
 * Marks recipients as possibly in an SMTP transaction until `until`, so that the sweeper never starts
 * a second attempt beside this one (see recovery/sweep.ts). Marks made while another is being written
 * go together in one statement (group commit): the deliveries of a batch reach this step together.
 * Resolves once the mark is committed.
 */
export function markSending(db: Db, recipientIds: string[], until: Date): Promise<void> {
  let writer = writers.get(db);
  if (!writer) {
    writer = createGroupWriter(async (marks) => {
      const rows = marks.flatMap((m) => m.recipientIds.map((id) => ({ id, until: m.until })));
      await sqlPool(db).query(prepared('mark-sending', MARK_SQL, [JSON.stringify(rows)]));
    });
    writers.set(db, writer);
  }
  return writer.write({ recipientIds, until });
}
