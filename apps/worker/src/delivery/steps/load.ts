import { open, sqlPool, type Db } from '@herald/core';
import { syntheticReply } from '../outcome.ts';
import { decideAll, type Step } from '../attempt.ts';

interface LoadRow {
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
  recipients: { id: string; email: string; attempts: number }[];
}

/** Messages up to this size come with the rest of the row; larger ones are read on their own. */
const INLINE_RAW_BYTES = 256 * 1024;

const RAW_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * A large message's bytes, read in slices into one buffer: node-postgres gets bytea as hex text,
 * twice the size, so reading it whole would hold the hex text and the bytes at once.
 */
async function rawBytes(db: Db, id: string, size: number): Promise<Buffer | null> {
  const raw = Buffer.allocUnsafe(size);
  for (let offset = 0; offset < size; offset += RAW_CHUNK_BYTES) {
    const { rows } = await sqlPool(db).query<{ part: Buffer | null }>('SELECT substring(raw FROM $2 FOR $3) AS part FROM messages WHERE id = $1', [
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

/**
 * The message and its recipients at this job's domain that are still to be delivered, in one query
 * (plain SQL: this runs once per delivery attempt).
 */
export const load: Step = async (deps, attempt) => {
  const { rows } = await sqlPool(deps.db).query<LoadRow>(
    `SELECT m.id, m.project_id, m.domain_id, m.status, m.send_at, m.from_email, m.created_at,
            CASE WHEN octet_length(m.raw) <= ${INLINE_RAW_BYTES} THEN m.raw END AS raw, m.raw IS NULL AS purged, octet_length(m.raw) AS raw_size, m.test, m.tags, m.metadata,
            p.relay_url_encrypted, d.name AS domain_name, d.return_path_host, d.status AS domain_status,
            coalesce((SELECT json_agg(json_build_object('id', r.id, 'email', r.email, 'attempts', r.attempts) ORDER BY r.id)
                      FROM recipients r
                      WHERE r.message_id = m.id AND r.domain = $2 AND r.status IN ('queued', 'deferred')), '[]') AS recipients
     FROM messages m JOIN projects p ON p.id = m.project_id LEFT JOIN domains d ON d.id = m.domain_id
     WHERE m.id = $1`,
    [attempt.job.messageId, attempt.job.domain],
  );
  const message = rows[0];
  if (!message) {
    deps.log.warn({ messageId: attempt.job.messageId }, 'delivery job for a message that does not exist');
    return;
  }
  // a large message comes as bytes (binary protocol), not as a hex string twice its size
  const raw = message.purged ? null : (message.raw ?? (await rawBytes(deps.db, message.id, message.raw_size)));
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
  };
  if (!raw) decideAll(attempt, syntheticReply(550, '5.3.0', 'message content was purged before delivery'), true);
};
