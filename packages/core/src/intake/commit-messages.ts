import { sqlPool, type Db } from '../db/client.ts';
import { createGroupWriter, type GroupWriter } from '../db/group-writer.ts';
import { insertFromJson, prepared, recordsetTypes, type Column } from '../db/sql.ts';
import { HeraldError, type ErrorDetail } from '../errors/registry.ts';
import { newId } from '../ids.ts';
import type { Log } from '../logger.ts';
import { BATCH_SIZE, type EnqueuedDelivery } from '../queue/delivery-queue.ts';
import { domainOf } from './address.ts';
import { findIdempotentReplay, storedIdempotencyKeys, type AcceptedMessage } from './idempotency.ts';
import { WEBHOOK_DELIVERY_COLUMNS, webhookDeliveries, webhookDeliveryRow } from '../webhooks/fan-out.ts';
import { lookUpIntakeFacts } from './intake-lookups.ts';
import type { SenderDomain } from './sender-domains.ts';
import type { Mailbox } from './address.ts';

export type { AcceptedMessage } from './idempotency.ts';

export interface Sender {
  projectId: string;
  apiKeyId: string | null;
  /** Test-mode messages go through the pipeline but reach no mail server. */
  test: boolean;
}

export interface IntakeDeps {
  db: Db;
  /**
   * Adds delivery jobs, each not to run before its delay, those of one batch as one job (BullMQ in
   * production: enqueueDeliveries).
   */
  enqueue: (jobs: EnqueuedDelivery[]) => Promise<void>;
  log: Log;
  now?: () => Date;
}

export interface IntakeOptions {
  /** Largest raw message, in bytes; bigger is refused with 413. */
  maxMessageBytes: number;
  /** Where a message's fields live in the request, for error details: '' for one, 'messages.3.' in a batch. */
  fieldPrefix: (index: number) => string;
  idempotency?: { key: string; hash: string; batch: boolean } | undefined;
  /** 'api' or 'smtp'. */
  source?: string;
}

/** A message ready to store: its raw RFC 5322 form (CRLF) and what the store keeps beside it. */
export interface MessageDraft {
  id: string;
  raw: Buffer;
  from: Mailbox;
  subject: string;
  /** Without angle brackets. */
  messageIdHeader: string;
  recipients: { email: string; kind: 'to' | 'cc' | 'bcc' }[];
  tags: string[];
  metadata: Record<string, string>;
  sendAt?: Date | undefined;
}

/**
 * The one commit path, for the API (one message or a batch) and SMTP alike. Answers a replayed
 * Idempotency-Key as before; checks every sender domain may send, each message's size, marks
 * suppressed recipients; then commits every message, recipient, first event and webhook delivery in
 * one transaction — all or nothing — and only then enqueues the deliveries, one per (message,
 * recipient domain): those due now in batch jobs shared with the requests committed in the same
 * statement, scheduled ones one job each. The caller answers 202 (SMTP: 250) after this returns, so
 * that answer always means committed. A failed enqueue is logged and left to the sweeper.
 */
export async function commitMessages(
  deps: IntakeDeps,
  sender: Sender,
  drafts: MessageDraft[],
  options: IntakeOptions,
): Promise<{ messages: AcceptedMessage[]; replayed: boolean }> {
  const now = deps.now?.() ?? new Date();
  const keys = options.idempotency
    ? storedIdempotencyKeys(options.idempotency.key, drafts.length, options.idempotency.batch)
    : null;
  if (keys && options.idempotency) {
    const replay = await findIdempotentReplay(deps.db, sender.projectId, keys, options.idempotency.hash);
    if (replay) return { messages: replay, replayed: true };
  }

  const facts = await lookUpIntakeFacts(
    deps.db,
    sender.projectId,
    [...new Set(drafts.map((d) => domainOf(d.from.email)))],
    [...new Set(drafts.flatMap((d) => d.recipients.map((r) => r.email.toLowerCase())))],
  );
  const domainIds = senderDomainIds(facts.senders, drafts, options.fieldPrefix);
  const { suppressed, endpoints } = facts;

  const staged = drafts.map((request, index) => {
    const { id, raw } = request;
    const fromDomain = domainOf(request.from.email);
    if (raw.length > options.maxMessageBytes) {
      throw new HeraldError(
        'payload_too_large',
        `${options.fieldPrefix(index)}message: ${raw.length} bytes, over the limit of ${options.maxMessageBytes} bytes`,
        { limit_bytes: options.maxMessageBytes, size_bytes: raw.length, ...(options.fieldPrefix(index) ? { index } : {}) },
      );
    }
    const scheduled = request.sendAt !== undefined && request.sendAt.getTime() > now.getTime();
    const recipients = request.recipients.map((r) => ({
      id: newId('recipient', now.getTime()),
      messageId: id,
      projectId: sender.projectId,
      email: r.email,
      domain: domainOf(r.email),
      kind: r.kind,
      status: suppressed.has(r.email.toLowerCase()) ? ('suppressed' as const) : ('queued' as const),
      finalAt: suppressed.has(r.email.toLowerCase()) ? now : null,
    }));
    const allSuppressed = recipients.every((r) => r.status === 'suppressed');
    const status = allSuppressed ? ('suppressed' as const) : scheduled ? ('scheduled' as const) : ('queued' as const);
    return { id, fromDomain, raw, request, index, recipients, status, scheduled };
  });

  const events = staged.map((p) => ({
    message: p.request,
    rows: p.recipients.map((r) => ({
      id: newId('event', now.getTime()),
      projectId: sender.projectId,
      messageId: p.id,
      recipientId: r.id,
      type: r.status === 'suppressed' ? ('suppressed' as const) : p.scheduled ? ('scheduled' as const) : ('queued' as const),
      email: r.email,
      createdAt: now,
    })),
  }));
  const deliveries = events.flatMap((e) => webhookDeliveries(endpoints, sender.projectId, e.rows, e.message));
  const jobs = staged.flatMap((p) => {
    const domains = [...new Set(p.recipients.filter((r) => r.status === 'queued').map((r) => r.domain))];
    const delayMs = p.scheduled ? (p.request.sendAt as Date).getTime() - now.getTime() : 0;
    return domains.map((domain): EnqueuedDelivery => ({ data: { messageId: p.id, domain }, delayMs }));
  });
  try {
    await committerFor(deps.db).write({
      messages: staged.map((p) => ({
        id: p.id,
        project_id: sender.projectId,
        domain_id: domainIds.get(p.fromDomain) ?? null,
        api_key_id: sender.apiKeyId,
        test: sender.test,
        status: p.status,
        from_email: p.request.from.email,
        from_name: p.request.from.name ?? null,
        subject: p.request.subject,
        message_id_header: p.request.messageIdHeader,
        raw_size: p.raw.length,
        tags: p.request.tags,
        metadata: p.request.metadata,
        idempotency_key: keys?.[p.index] ?? null,
        idempotency_hash: options.idempotency?.hash ?? null,
        source: options.source ?? 'api',
        send_at: p.scheduled ? (p.request.sendAt ?? null) : null,
        created_at: now,
      })),
      recipients: staged.flatMap((p) =>
        p.recipients.map((r) => ({ id: r.id, message_id: r.messageId, project_id: r.projectId, email: r.email, domain: r.domain, kind: r.kind, status: r.status, final_at: r.finalAt, batch_job_id: null, created_at: now })),
      ),
      events: events.flatMap((e) =>
        e.rows.map((row) => ({ id: row.id, project_id: row.projectId, message_id: row.messageId, recipient_id: row.recipientId, type: row.type, email: row.email, created_at: row.createdAt })),
      ),
      deliveries: deliveries.map(webhookDeliveryRow),
      raws: staged.map((p) => p.raw),
      jobs,
      enqueue: deps.enqueue,
      log: deps.log,
    });
  } catch (err) {
    // a concurrent request with the same Idempotency-Key committed first: answer as it did
    if (keys && options.idempotency && (err as { code?: string }).code === UNIQUE_VIOLATION) {
      const replay = await findIdempotentReplay(deps.db, sender.projectId, keys, options.idempotency.hash);
      if (replay) return { messages: replay, replayed: true };
    }
    throw err;
  }

  return {
    messages: staged.map((p) => ({
      id: p.id,
      status: p.status,
      recipients: p.recipients.map((r) => ({ email: r.email, status: r.status })),
    })),
    replayed: false,
  };
}

const UNIQUE_VIOLATION = '23505';

const MESSAGE: readonly Column[] = [
  ['id', 'text'], ['project_id', 'text'], ['domain_id', 'text'], ['api_key_id', 'text'], ['test', 'boolean'], ['status', '"MessageStatus"'],
  ['from_email', 'text'], ['from_name', 'text'], ['subject', 'text'], ['message_id_header', 'text'], ['raw_offset', 'int'], ['raw_size', 'int'],
  ['tags', 'text[]'], ['metadata', 'jsonb'], ['idempotency_key', 'text'], ['idempotency_hash', 'text'], ['source', 'text'],
  ['send_at', 'timestamptz'], ['created_at', 'timestamptz'],
];
const RECIPIENT: readonly Column[] = [
  ['id', 'text'], ['message_id', 'text'], ['project_id', 'text'], ['email', 'text'], ['domain', 'text'], ['kind', '"RecipientKind"'],
  ['status', '"RecipientStatus"'], ['final_at', 'timestamptz'], ['batch_job_id', 'text'], ['created_at', 'timestamptz'],
];
const EVENT: readonly Column[] = [
  ['id', 'text'], ['project_id', 'text'], ['message_id', 'text'], ['recipient_id', 'text'], ['type', '"EventType"'], ['email', 'text'], ['created_at', 'timestamptz'],
];

/** The project's domain id for each sender domain; any domain that may not send is refused with 403. */
function senderDomainIds(resolved: Map<string, SenderDomain>, requests: { from: Mailbox }[], fieldPrefix: (index: number) => string): Map<string, string> {
  const details: ErrorDetail[] = [];
  const ids = new Map<string, string>();
  requests.forEach((request, index) => {
    const domain = domainOf(request.from.email);
    const result = resolved.get(domain);
    if (result?.ok) ids.set(domain, result.domainId);
    else details.push({ field: `${fieldPrefix(index)}from`, message: result?.reason ?? `${domain} is not a sending domain of this project` });
  });
  if (details.length > 0) {
    throw new HeraldError('domain_not_verified', details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
  }
  return ids;
}

/**
 * One request's rows, keyed by column name, and the deliveries to enqueue once they are committed. The
 * messages' raw content travels apart from the JSON, as one binary parameter for the whole group.
 */
interface CommitRows {
  messages: Record<string, unknown>[];
  /** Each message's raw content, in the order of `messages`. */
  raws: Buffer[];
  recipients: Record<string, unknown>[];
  events: Record<string, unknown>[];
  deliveries: Record<string, unknown>[];
  jobs: EnqueuedDelivery[];
  enqueue: IntakeDeps['enqueue'];
  log: Log;
}

const committers = new WeakMap<Db, GroupWriter<CommitRows>>();

/**
 * The intake's group commit: requests that commit while another commit is under way go together in
 * the next statement. One statement (rows as JSON) is atomic on its own, so each request's rows are
 * all stored or none; when a group fails (one request's Idempotency-Key taken meanwhile), each
 * request is committed alone and only that one fails. The deliveries due now of the whole group go
 * in batch jobs of up to BATCH_SIZE, whose ids are stored with the recipients; then the group's jobs
 * are enqueued in one call, before any request of the group is answered.
 */
function committerFor(db: Db): GroupWriter<CommitRows> {
  let committer = committers.get(db);
  if (!committer) {
    committer = createGroupWriter(
      async (requests) => {
        assignBatches(requests);
        // every raw message of the group in one bytea, each row saying where its own starts: no base64, no JSON escaping
        const messages = requests.flatMap((r) => r.messages);
        const raws = requests.flatMap((r) => r.raws);
        let offset = 0;
        raws.forEach((raw, i) => {
          (messages[i] as Record<string, unknown>).raw_offset = offset;
          offset += raw.length;
        });
        await sqlPool(db).query(
          prepared('intake-commit', COMMIT_SQL, [
            JSON.stringify(messages),
            JSON.stringify(requests.flatMap((r) => r.recipients)),
            JSON.stringify(requests.flatMap((r) => r.events)),
            JSON.stringify(requests.flatMap((r) => r.deliveries)),
            Buffer.concat(raws, offset),
          ]),
        );
        await enqueueCommitted(requests);
      },
      { maxWeight: GROUP_RAW_BYTES, weight: (r) => r.raws.reduce((n, raw) => n + raw.length, 0) },
    );
    committers.set(db, committer);
  }
  return committer;
}

/** Cuts the group's deliveries due now into batches, and marks their recipients with the batch's job id. */
function assignBatches(requests: CommitRows[]): void {
  const due = requests.flatMap((r) => r.jobs.filter((j) => j.delayMs <= 0));
  const batchOf = new Map<string, string>();
  for (let i = 0; i < due.length; i += BATCH_SIZE) {
    const id = newId('deliveryBatch');
    for (const job of due.slice(i, i + BATCH_SIZE)) {
      job.batch = id;
      batchOf.set(`${job.data.messageId} ${job.data.domain}`, id);
    }
  }
  for (const request of requests) {
    for (const row of request.recipients) row.batch_job_id = row.status === 'queued' ? (batchOf.get(`${String(row.message_id)} ${String(row.domain)}`) ?? null) : null;
  }
}

/** One enqueue call for the group (per enqueue function: one per process in practice); a failure is left to the sweeper. */
async function enqueueCommitted(requests: CommitRows[]): Promise<void> {
  const byEnqueue = new Map<IntakeDeps['enqueue'], CommitRows[]>();
  for (const request of requests) byEnqueue.set(request.enqueue, (byEnqueue.get(request.enqueue) ?? []).concat(request));
  for (const [enqueue, group] of byEnqueue) {
    try {
      await enqueue(group.flatMap((r) => r.jobs));
    } catch (err) {
      const messages = group.flatMap((r) => r.messages.map((m) => m.id));
      group[0]?.log.error({ err, messages }, 'messages committed but not enqueued; the sweeper will enqueue them');
    }
  }
}

/** Raw bytes one commit statement carries at most (a larger single request still goes, alone). */
const GROUP_RAW_BYTES = 64 * 1024 * 1024;

// the message rows say where their raw content is in $5; the table has the content itself
const MESSAGE_INSERT = MESSAGE.map(([n]) => `"${n === 'raw_offset' ? 'raw' : n}"`).join(', ');
const MESSAGE_VALUES = MESSAGE.map(([n]) => (n === 'raw_offset' ? 'substring($5::bytea FROM x.raw_offset + 1 FOR x.raw_size)' : `x."${n}"`)).join(', ');
const COMMIT_SQL = `WITH m AS (INSERT INTO messages (${MESSAGE_INSERT}) SELECT ${MESSAGE_VALUES} FROM json_to_recordset($1::json) AS x(${recordsetTypes(MESSAGE)})),
     r AS (${insertFromJson('recipients', RECIPIENT, '$2')}),
     e AS (${insertFromJson('events', EVENT, '$3')})
${insertFromJson('webhook_deliveries', WEBHOOK_DELIVERY_COLUMNS, '$4')}`;
