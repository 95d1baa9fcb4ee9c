import { idArray, keyedQuery, open, prepared, sqlPool, syntheticReply, type Db, type DeliveryJob } from '@herald/core';
import { CONTINUE, decideAll, type Attempt, type DeliveryDeps, type Step } from '../attempt.ts';

export interface LoadRow {
  job_message_id: string;
  job_domain: string;
  id: string;
  project_id: string;
  domain_id: string | null;
  status: string;
  send_at: Date | null;
  from_email: string;
  raw: Buffer | null;
  purged: boolean;
  raw_size: number;
  created_at: Date;
  test: boolean;
  tags: string[] | null;
  metadata: unknown;
  relay_url_encrypted: string | null;
  domain_name: string | null;
  return_path_host: string | null;
  domain_status: string | null;
  /** The sending domain's active DKIM keys now, in the order they sign (created_at, id); null when none. */
  dkim_key_ids: string[] | null;
  unsubscribe: boolean;
  recipients: { id: string; email: string; attempts: number }[];
}

/** Messages up to this size come with the rest of the row; larger ones are read on their own. */
const INLINE_RAW_BYTES = 256 * 1024;

/**
 * The bytes of the large messages (read on their own) one worker's deliveries hold at once: the
 * deliveries bound how many run (HERALD_WORKER_CONCURRENCY), not what they hold, and a campaign with a
 * 10 MB attachment would otherwise hold concurrency × 10 MB. Taken before such a message is read, given
 * back when its delivery ends (deliverMessage); one always goes, however large.
 */
export const LARGE_CONTENT_BUDGET_BYTES = 128 * 1024 * 1024;

const RAW_CHUNK_BYTES = 1024 * 1024;

const loadKey = (job: DeliveryJob) => `${job.messageId} ${job.domain}`;

/** What one query loaded for several jobs (a batch), by job; a job without an entry has no message. */
export type LoadedJobs = Map<string, LoadRow>;

const LOAD_SQL = `SELECT j.message_id AS job_message_id, j.domain AS job_domain,
        m.id, m.project_id, m.domain_id, m.status, m.send_at, m.from_email, m.created_at,
        CASE WHEN octet_length(c.raw) <= ${INLINE_RAW_BYTES} THEN c.raw END AS raw, c.raw IS NULL AS purged, octet_length(c.raw) AS raw_size, m.test, m.tags, m.metadata, m.unsubscribe,
        p.relay_url_encrypted, d.name AS domain_name, d.return_path_host, d.status AS domain_status,
        (SELECT array_agg(k.id ORDER BY k.created_at, k.id) FROM dkim_keys k WHERE k.domain_id = m.domain_id AND k.status = 'active') AS dkim_key_ids,
        coalesce((SELECT json_agg(json_build_object('id', r.id, 'email', r.email, 'attempts', r.attempts) ORDER BY r.id)
                  FROM recipients r
                  WHERE r.message_id = m.id AND r.domain = j.domain AND r.status IN ('queued', 'deferred')), '[]') AS recipients
 FROM jsonb_to_recordset($1::jsonb) AS j(message_id text, domain text)
 JOIN messages m ON m.id = j.message_id JOIN projects p ON p.id = m.project_id LEFT JOIN domains d ON d.id = m.domain_id
 LEFT JOIN message_contents c ON c.id = m.id AND c.id = ANY(${idArray('$2')})
 WHERE m.id = ANY(${idArray('$2')})`;

/**
 * The messages of these jobs and, for each, its recipients at the job's domain still to be delivered
 * and the ids of its domain's active DKIM keys (so a delivery signs with exactly the keys active when
 * it was loaded, and a key a rotation deactivated signs nothing more), and its content (message_contents,
 * no row once retention removed it): one query for one job or a
 * whole batch (plain SQL, prepared: this runs for every delivery). The message ids travel as an array
 * too ($2), so the messages are found by primary key whatever the table's statistics say, and it
 * runs under BEGIN_GENERIC (keyedQuery): a plan made while the partition was small read it whole.
 */
export async function loadJobs(db: Db, jobs: DeliveryJob[]): Promise<LoadedJobs> {
  const { rows } = await keyedQuery<LoadRow>(
    sqlPool(db),
    prepared('delivery-load', LOAD_SQL, [JSON.stringify(jobs.map((j) => ({ message_id: j.messageId, domain: j.domain }))), jobs.map((j) => j.messageId)]),
  );
  return new Map(rows.map((row) => [loadKey({ messageId: row.job_message_id, domain: row.job_domain }), row]));
}

/**
 * A large message's bytes, read in slices into one buffer: node-postgres gets bytea as hex text,
 * twice the size, so reading it whole would hold the hex text and the bytes at once; a slice's text
 * is at most 2 MB.
 */
async function rawBytes(db: Db, id: string, size: number): Promise<Buffer | null> {
  const raw = Buffer.allocUnsafe(size);
  for (let offset = 0; offset < size; offset += RAW_CHUNK_BYTES) {
    const { rows } = await sqlPool(db).query<{ part: Buffer | null }>('SELECT substring(raw FROM $2 FOR $3) AS part FROM message_contents WHERE id = $1', [
      id,
      offset + 1,
      RAW_CHUNK_BYTES,
    ]);
    const part = rows[0]?.part;
    if (!part) return null;
    part.copy(raw, offset);
  }
  return raw;
}

/** A large message's bytes, read once the content budget has room for them (given back when the delivery ends). */
async function largeRawBytes(deps: DeliveryDeps, attempt: Attempt, message: LoadRow): Promise<Buffer | null> {
  if (deps.contentBudget) attempt.giveBackContent = await deps.contentBudget.take(message.raw_size);
  return rawBytes(deps.db, message.id, message.raw_size);
}

/** The message and its recipients at this job's domain that are still to be delivered (loaded with its batch, or now). */
export const load: Step = async (deps, attempt) => {
  const loaded = attempt.loaded ?? (await loadJobs(deps.db, [attempt.job]));
  const message = loaded.get(loadKey(attempt.job));
  if (!message) {
    deps.log.warn({ messageId: attempt.job.messageId }, 'delivery job for a message that does not exist');
    return { kind: 'stopped', reason: 'no-message' };
  }
  if (message.recipients.length === 0) return { kind: 'stopped', reason: 'nothing-pending' };
  // a large message comes as bytes (binary protocol), not as a hex string twice its size
  const raw = message.purged ? null : (message.raw ?? (await largeRawBytes(deps, attempt, message)));
  const fromDomain = message.from_email.slice(message.from_email.lastIndexOf('@') + 1);
  attempt.recipients = message.recipients;
  attempt.message = {
    id: message.id,
    projectId: message.project_id,
    domainId: message.domain_id,
    status: message.status,
    sendAt: message.send_at,
    fromEmail: message.from_email,
    raw: raw ?? Buffer.alloc(0),
    createdAt: message.created_at,
    test: message.test,
    tags: message.tags ?? [],
    metadata: message.metadata,
    projectRelay: message.relay_url_encrypted ? open(message.relay_url_encrypted, deps.masterKey) : null,
    returnPathDomain: message.return_path_host ?? fromDomain,
    domainStatus: message.domain_status,
    dkimKeyIds: message.dkim_key_ids ?? [],
    unsubscribe: message.unsubscribe,
  };
  if (!raw) return decideAll(attempt, syntheticReply(550, '5.3.0', 'message content was purged before delivery'), { final: true });
  return CONTINUE;
};
