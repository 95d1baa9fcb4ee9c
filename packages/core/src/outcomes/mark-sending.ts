import type { Store } from '../db/store.ts';
import { sqlPool, type Db } from '../db/client.ts';
import { createGroupWriter, type GroupWriter } from '../db/group-writer.ts';
import { idArray, keyedQuery, prepared } from '../db/sql.ts';

interface Claim {
  recipientIds: string[];
  until: Date;
  now: Date;
}

/** The group writer of sending claims a Store owns (one per process): each claim answers the recipients it won. */
export type SendingMarks = GroupWriter<Claim, string[]>;

/**
 * A recipient is claimed only while it is still to be delivered and no other attempt holds it (no
 * mark, or one that has run out). Two claims of one recipient in one statement: Postgres updates the
 * row once and returns it for one of them; in two statements at once, the second re-reads the row
 * after the first commits and no longer matches. The ids also travel as an array ($2) so that the
 * recipients are found by primary key whatever the table's statistics say: joined only to the JSON
 * rows (estimated at 100), the plan could read and hash every pending recipient for each claim. For
 * the same reason the status is compared as text, which no index serves: with statistics taken while
 * few recipients were pending, the planner preferred the status index and read all of them. It runs
 * under BEGIN_GENERIC (keyedQuery): a plan made while the partition was small read it whole.
 */
const CLAIM_SQL = `UPDATE recipients r SET sending_until = x.until, updated_at = now()
 FROM jsonb_to_recordset($1::jsonb) AS x(claim int, id text, until timestamptz, now timestamptz)
 WHERE r.id = ANY(${idArray('$2')}) AND r.id = x.id AND r.status::text IN ('queued', 'deferred') AND (r.sending_until IS NULL OR r.sending_until < x.now)
 RETURNING x.claim, r.id`;

const RELEASE_SQL = `UPDATE recipients SET sending_until = NULL, updated_at = now() WHERE id = ANY(${idArray('$1')}) AND sending_until = $2`;

export function createSendingMarks(db: Db): SendingMarks {
  return createGroupWriter<Claim, string[]>(
    async (claims) => {
      const rows = claims.flatMap((c, claim) => c.recipientIds.map((id) => ({ claim, id, until: c.until, now: c.now })));
      const { rows: won } = await keyedQuery<{ claim: number; id: string }>(sqlPool(db), prepared('claim-sending', CLAIM_SQL, [JSON.stringify(rows), rows.map((r) => r.id)]));
      const results = claims.map((): string[] => []);
      for (const { claim, id } of won) results[claim]?.push(id);
      return results;
    },
    { name: 'sending-marks' },
  );
}

/**
 * Claims recipients for one SMTP attempt until `until` (when it cannot be running any more), so that
 * no other attempt — a second job for the same delivery (an enqueue replayed after Redis came back
 * beside the sweeper's), or the sweeper's — sends to them beside this one. Answers the ids this
 * attempt won: only those may be sent to. Claims made while another is being written go together in
 * one statement (group commit): the deliveries of a batch reach this step together. Resolves once the
 * claim is committed.
 */
export function claimSending(store: Store, recipientIds: string[], until: Date, now: Date): Promise<string[]> {
  return store.sendingMarks.write({ recipientIds, until, now });
}

/** Gives back a claim whose attempt sent nothing (postponed): the next attempt may claim them at once. */
export async function releaseSending(db: Db, recipientIds: string[], until: Date): Promise<void> {
  if (recipientIds.length === 0) return;
  // prepared: a destination at its connection limit postpones many deliveries, each releasing its claim;
  // planned without sequential scans, as the claim (keyedQuery)
  await keyedQuery(sqlPool(db), prepared('release-sending', RELEASE_SQL, [recipientIds, until]));
}
