import { sqlPool, type Db } from '../db/client.ts';
import { createGroupWriter, type GroupWriter } from '../db/group-writer.ts';
import { jsonRows } from '../db/json-rows.ts';
import { columnNames, insertFromJson, prepared, recordsetTypes } from '../db/sql.ts';
import type { Store } from '../db/store.ts';
import { allColumns, columnsOf, EVENTS, MESSAGE_CONTENTS, MESSAGES, RECIPIENTS, WEBHOOK_DELIVERIES, isoTimestamp, type WrittenRowOf } from '../db/tables.ts';
import { isUniqueViolation } from '../db/unique-violation.ts';
import { rollupCtes, ROLLUP_EVENT_COLUMNS } from '../stats/rollup-sql.ts';
import { HeraldError, type ErrorDetail } from '../errors/registry.ts';
import { eventId, idInTimeOf, newId } from '../ids.ts';
import type { Log } from '../logger.ts';
import { joinBytes } from '../mime/message-arena.ts';
import { BATCH_SIZE, type EnqueuedDelivery } from '../queue/delivery-queue.ts';
import { domainOf } from './address.ts';
import { findIdempotentReplay, type AcceptedMessage } from './idempotency.ts';
import { webhookDeliveries, webhookDeliveryRow } from '../webhooks/fan-out.ts';
import { lookUpIntakeFacts } from './intake-lookups.ts';
import { decideUnsubscribe } from './unsubscribe-choice.ts';
import type { SenderDomain } from './sender-domains.ts';
import type { Mailbox } from './address.ts';
import type { RenderedFrom } from './send-request.ts';

export type { AcceptedMessage } from './idempotency.ts';

export interface Sender {
  projectId: string;
  apiKeyId: string | null;
  /** Test-mode messages go through the pipeline but reach no mail server. */
  test: boolean;
}

/** What committing needs: the process's Store (its group commit), the queue, a log and the clock. */
export interface CommitDeps {
  store: Store;
  /**
   * Adds delivery jobs, each not to run before its delay, those of one batch as one job (BullMQ in
   * production: enqueueDeliveries).
   */
  enqueue: (jobs: EnqueuedDelivery[]) => Promise<void>;
  log: Log;
  now?: () => Date;
}

export interface CommitOptions {
  /** Largest raw message, in bytes; bigger is refused with 413. */
  maxMessageBytes: number;
  /** Where a message's fields live in the request, for error details: '' for one, 'messages.3.' in a batch. */
  fieldPrefix: (index: number) => string;
  /** The stored Idempotency-Key of each draft (storedIdempotencyKeys) and the request's hash; submit has looked them up already. */
  idempotency?: { keys: string[]; hash: string } | undefined;
  /** The front end: 'api' or 'smtp'. */
  source: string;
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
  /** The template version the message was rendered from (and its layout's). */
  renderedFrom?: RenderedFrom | undefined;
  /** One-click unsubscribe asked for (true) or refused (false); absent: the sending domain's default. */
  unsubscribe?: boolean | undefined;
  /** The message brings its own List-Unsubscribe header (then the domain default adds none). */
  ownListUnsubscribe: boolean;
}

/**
 * The commit step of intake (see submit.ts, which runs the checks before it): checks every sender
 * domain may send and each message's size, marks suppressed recipients; then commits every message,
 * recipient, first event and webhook delivery in one transaction — all or nothing — and only then
 * enqueues the deliveries, one per (message, recipient domain): those due now in batch jobs shared
 * with the requests committed in the same statement, scheduled ones one job each. The caller answers
 * 202 (SMTP: 250) after this returns, so that answer always means committed. A failed enqueue is
 * logged and left to the sweeper. A concurrent request that committed the same Idempotency-Key first
 * wins: this one then answers as a replay of it.
 */
export async function commitMessages(
  deps: CommitDeps,
  sender: Sender,
  drafts: MessageDraft[],
  options: CommitOptions,
): Promise<{ messages: AcceptedMessage[]; replayed: boolean }> {
  const now = deps.now?.() ?? new Date();
  // every row's timestamp, as text once (see isoTimestamp)
  const at = isoTimestamp(now);
  const keys = options.idempotency?.keys ?? null;

  const facts = await lookUpIntakeFacts(
    deps.store,
    sender.projectId,
    [...new Set(drafts.map((d) => domainOf(d.from.email)))],
    [...new Set(drafts.flatMap((d) => d.recipients.map((r) => r.email.toLowerCase())))],
  );
  const domains = senderDomainIds(facts.senders, drafts, options.fieldPrefix);
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
      // in the message's time: its partition (ids.ts); in the order given
      id: idInTimeOf('recipient', id, null, now.getTime()),
      messageId: id,
      projectId: sender.projectId,
      email: r.email,
      domain: domainOf(r.email),
      kind: r.kind,
      status: suppressed.has(r.email.toLowerCase()) ? ('suppressed' as const) : ('queued' as const),
      finalAt: suppressed.has(r.email.toLowerCase()) ? at : null,
    }));
    const allSuppressed = recipients.every((r) => r.status === 'suppressed');
    const status = allSuppressed ? ('suppressed' as const) : scheduled ? ('scheduled' as const) : ('queued' as const);
    return { id, fromDomain, raw, request, index, recipients, status, scheduled };
  });

  const events = staged.map((p) => ({
    message: p.request,
    rows: p.recipients.map((r) => ({
      id: eventId({ messageId: p.id, dedupeKey: null }, now.getTime()),
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
    await deps.store.commits.write({
      messages: staged.map((p) => ({
        id: p.id,
        project_id: sender.projectId,
        domain_id: domains.get(p.fromDomain)?.domainId ?? null,
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
        source: options.source,
        send_at: p.scheduled ? (p.request.sendAt ?? null) : null,
        template_id: p.request.renderedFrom?.templateId ?? null,
        template_version: p.request.renderedFrom?.version ?? null,
        template_layout_id: p.request.renderedFrom?.layout?.id ?? null,
        template_layout_version: p.request.renderedFrom?.layout?.version ?? null,
        unsubscribe: decideUnsubscribe(p.request.unsubscribe, p.request.ownListUnsubscribe, domains.get(p.fromDomain)?.unsubscribeDefault ?? false),
        created_at: at,
      })),
      recipients: staged.flatMap((p) =>
        p.recipients.map((r) => ({ id: r.id, message_id: r.messageId, project_id: r.projectId, email: r.email, domain: r.domain, kind: r.kind, status: r.status, final_at: r.finalAt, batch_job_id: null, created_at: at })),
      ),
      events: events.flatMap((e) =>
        e.rows.map((row) => ({ id: row.id, project_id: row.projectId, message_id: row.messageId, recipient_id: row.recipientId, type: row.type, email: row.email, created_at: at })),
      ),
      deliveries: deliveries.map(webhookDeliveryRow),
      raws: staged.map((p) => p.raw),
      jobs,
      enqueue: deps.enqueue,
      log: deps.log,
    });
  } catch (err) {
    // a concurrent request with the same Idempotency-Key committed first: answer as it did
    if (keys && options.idempotency && isUniqueViolation(err)) {
      const replay = await findIdempotentReplay(deps.store.db, sender.projectId, keys, options.idempotency.hash);
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

const MESSAGE_COLUMNS = [
  'id', 'project_id', 'domain_id', 'api_key_id', 'test', 'status', 'from_email', 'from_name', 'subject', 'message_id_header', 'raw_size',
  'tags', 'metadata', 'idempotency_key', 'idempotency_hash', 'source', 'send_at', 'template_id', 'template_version', 'template_layout_id', 'template_layout_version', 'unsubscribe', 'created_at',
] as const;
/** A message row; its raw content travels apart (see createIntakeCommitter), to message_contents: `raw_offset` says where it starts in the group's bytes. */
type MessageRow = WrittenRowOf<typeof MESSAGES, (typeof MESSAGE_COLUMNS)[number]> & { raw_offset?: number };
const MESSAGE = [...columnsOf(MESSAGES, MESSAGE_COLUMNS), ['raw_offset', 'int'] as const];

const RECIPIENT_COLUMNS = ['id', 'message_id', 'project_id', 'email', 'domain', 'kind', 'status', 'final_at', 'batch_job_id', 'created_at'] as const;
type RecipientRow = WrittenRowOf<typeof RECIPIENTS, (typeof RECIPIENT_COLUMNS)[number]>;
const RECIPIENT = columnsOf(RECIPIENTS, RECIPIENT_COLUMNS);

const EVENT_COLUMNS = ['id', 'project_id', 'message_id', 'recipient_id', 'type', 'email', 'created_at'] as const;
type EventRow = WrittenRowOf<typeof EVENTS, (typeof EVENT_COLUMNS)[number]>;
const EVENT = columnsOf(EVENTS, EVENT_COLUMNS);

/** The project's domain (its id and unsubscribe default) for each sender domain; any domain that may not send is refused with 403. */
function senderDomainIds(
  resolved: Map<string, SenderDomain>,
  requests: { from: Mailbox }[],
  fieldPrefix: (index: number) => string,
): Map<string, { domainId: string; unsubscribeDefault: boolean }> {
  const details: ErrorDetail[] = [];
  const ids = new Map<string, { domainId: string; unsubscribeDefault: boolean }>();
  requests.forEach((request, index) => {
    const domain = domainOf(request.from.email);
    const result = resolved.get(domain);
    if (result?.ok) ids.set(domain, { domainId: result.domainId, unsubscribeDefault: result.unsubscribeDefault });
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
export interface CommitRows {
  messages: MessageRow[];
  /** Each message's raw content, in the order of `messages`. */
  raws: Buffer[];
  recipients: RecipientRow[];
  events: EventRow[];
  deliveries: ReturnType<typeof webhookDeliveryRow>[];
  jobs: EnqueuedDelivery[];
  enqueue: CommitDeps['enqueue'];
  log: Log;
}

/** The group commit a Store owns (one per process). */
export type IntakeCommitter = GroupWriter<CommitRows>;

/**
 * The intake's group commit: requests that commit while another commit is under way go together in
 * the next statement. One statement (rows as JSON) is atomic on its own, so each request's rows are
 * all stored or none; when a group fails (one request's Idempotency-Key taken meanwhile), each
 * request is committed alone and only that one fails. The deliveries due now of the whole group go
 * in batch jobs of up to BATCH_SIZE, whose ids are stored with the recipients; then the group's jobs
 * are enqueued in one call, before any request of the group is answered.
 */
export function createIntakeCommitter(db: Db): IntakeCommitter {
  return createGroupWriter(
      async (requests) => {
        assignBatches(requests);
        // every raw message of the group in one bytea, each row saying where its own starts: no base64, no JSON escaping
        const messages = requests.flatMap((r) => r.messages);
        const raws = requests.flatMap((r) => r.raws);
        let offset = 0;
        raws.forEach((raw, i) => {
          (messages[i] as MessageRow).raw_offset = offset;
          offset += raw.length;
        });
        await sqlPool(db).query(
          prepared('intake-commit', COMMIT_SQL, [
            jsonRows(messages, 'json'),
            jsonRows(requests.flatMap((r) => r.recipients), 'jsonb'),
            jsonRows(requests.flatMap((r) => r.events), 'jsonb'),
            jsonRows(requests.flatMap((r) => r.deliveries), 'jsonb'),
            joinBytes(raws, offset),
          ]),
        );
        await enqueueCommitted(requests);
      },
      { maxWeight: GROUP_RAW_BYTES, weight: (r) => r.raws.reduce((n, raw) => n + raw.length, 0), name: 'intake-commits' },
    );
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
    for (const row of request.recipients) row.batch_job_id = row.status === 'queued' ? (batchOf.get(`${row.message_id} ${row.domain}`) ?? null) : null;
  }
}

/** One enqueue call for the group (per enqueue function: one per process in practice); a failure is left to the sweeper. */
async function enqueueCommitted(requests: CommitRows[]): Promise<void> {
  const byEnqueue = new Map<CommitDeps['enqueue'], CommitRows[]>();
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

// the message rows say where their raw content is in $5: the messages get the rows (parsed once, in x),
// message_contents each message's content, cut out of $5 in the same statement
const MESSAGE_NAMES = columnNames(columnsOf(MESSAGES, MESSAGE_COLUMNS));
const COMMIT_SQL = `WITH x AS MATERIALIZED (SELECT x.* FROM json_to_recordset($1::json) AS x(${recordsetTypes(MESSAGE)})),
     m AS (INSERT INTO ${MESSAGES.name} (${MESSAGE_NAMES}) SELECT ${MESSAGE_NAMES} FROM x RETURNING id, domain_id, tags, created_at, send_at),
     c AS (INSERT INTO ${MESSAGE_CONTENTS.name} (id, raw) SELECT id, substring($5::bytea FROM raw_offset + 1 FOR raw_size) FROM x),
     k AS (INSERT INTO idempotency_keys (project_id, key, created_at) SELECT project_id, idempotency_key, created_at FROM x WHERE idempotency_key IS NOT NULL),
     r AS (${insertFromJson(RECIPIENTS.name, RECIPIENT, '$2')}),
     e AS (${insertFromJson(EVENTS.name, EVENT, '$3')} RETURNING ${ROLLUP_EVENT_COLUMNS})${rollupCtes('e', 'm')}
${insertFromJson(WEBHOOK_DELIVERIES.name, allColumns(WEBHOOK_DELIVERIES), '$4')}`;
