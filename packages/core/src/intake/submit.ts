import { assertKeyMayUseDomains } from '../auth/key-domains.ts';
import type { KeyContext } from '../auth/resolve-api-key.ts';
import { HeraldError, type ErrorDetail } from '../errors/registry.ts';
import type { DailyQuota } from '../limits/daily-quota.ts';
import { reserveDailyQuota } from '../limits/reserve-quota.ts';
import { domainOf } from './address.ts';
import { commitMessages, type AcceptedMessage, type CommitDeps, type MessageDraft } from './commit-messages.ts';
import { applyTemplates } from './apply-templates.ts';
import { draftMessages } from './draft-messages.ts';
import { findIdempotentReplay, requestHash, storedIdempotencyKeys } from './idempotency.ts';
import { metadataProblems, recipientProblems, scheduleProblems, tagProblems } from './message-rules.ts';
import { prepareRawSubmission } from './raw-submission.ts';
import type { SendRequest } from './send-request.ts';
import { metrics } from '../metrics/registry.ts';
import { MessageArena } from '../mime/message-arena.ts';
import { hasOwnListUnsubscribe, unsubscribeProblems } from './unsubscribe-choice.ts';

/**
 * Who submits: a valid API key's context (the API's Bearer key, SMTP's AUTH password, a vendor's token
 * header). A key's context is one; what intake needs of it is this.
 */
export type Principal = Pick<KeyContext, 'projectId' | 'scopes' | 'domains' | 'dailyQuota' | 'test'> & { apiKeyId: string | null };

/** What a front end hands intake, once it has translated its own input. */
export type IntakeRequest =
  /**
   * Messages given as fields (the API, its batches, the vendors' shapes); `batch` stores `<key>#<index>`
   * idempotency keys. Intake takes them over: once composed, `messages` is emptied, so that a batch's
   * text (megabytes) is garbage before the commit's wait instead of being copied by each scavenge
   * during it (docs/performance.md).
   */
  | { kind: 'fields'; messages: SendRequest[]; batch: boolean }
  /**
   * One message given whole, with its envelope recipients (SMTP submission, POST /v1/messages/raw).
   * `sameBy` says when a request sent again under the same idempotency key is the same request: the
   * same bytes (the default, SMTP), or the same envelope and Message-ID (over HTTP: a MIME composer
   * such as nodemailer builds the same message again with a new Date and new MIME boundaries); a
   * message without a Message-ID of its own is always compared byte for byte.
   */
  | { kind: 'raw'; raw: Buffer; recipients: string[]; sameBy?: 'bytes' | 'message-id' };

export interface SubmitOptions {
  /**
   * The request's Idempotency-Key and a hash of the request as its front end received it. A message
   * given whole is hashed here (its envelope and bytes; `hash` is not used), and its key is this one
   * when given (the API's header), else the message's own X-Herald-Idempotency-Key (SMTP).
   */
  idempotency?: { key: string; hash: string } | undefined;
  /** Where a message's fields live in the request, for error details: '' for one, 'messages.3.' in a batch, 'header.' over SMTP. */
  fieldPrefix: (index: number) => string;
  /** The front end, stored with each message: 'api', 'smtp', … */
  source: string;
}

export interface IntakeSettings {
  maxMessageBytes: number;
  maxRecipients: number;
  /** Recipients a project may send to per UTC day unless it has its own quota; 0: no limit. */
  dailyQuota: number;
}

export interface IntakeDeps extends CommitDeps {
  settings: IntakeSettings;
  /** The daily quota counted in Redis; absent: none is kept. */
  quota?: DailyQuota | undefined;
}

export interface SubmitResult {
  messages: AcceptedMessage[];
  /** The Idempotency-Key was used before for the same request: these are the first request's messages, and nothing new was sent. */
  replayed: boolean;
}

/**
 * The one way a message enters Herald, for every front end. In this order: the message rules
 * (recipients, tags, metadata, schedule); the key's scope and domain limits; an Idempotency-Key
 * already used (answered with the first result, charging nothing); templates rendered
 * (apply-templates.ts); the daily quota; then
 * commitMessages: the sender domain verified, suppressions marked, the size checked, everything
 * committed in one transaction and the deliveries enqueued. The quota is given back when the request
 * fails or turns out to be a replay. Front ends only translate their input into an IntakeRequest and
 * the result (or HeraldError) into their answer.
 */
export async function submit(deps: IntakeDeps, principal: Principal, request: IntakeRequest, options: SubmitOptions): Promise<SubmitResult> {
  const now = deps.now?.() ?? new Date();
  if (!principal.scopes.includes('messages:send')) {
    throw new HeraldError('insufficient_scope', 'this API key lacks the messages:send scope', [{ field: 'scope', message: 'messages:send is required' }]);
  }
  const prepared = prepare(deps, principal, request, options, now);
  const problems = prepared.recipientCounts.flatMap((count, i) => recipientProblems(count, deps.settings).map((p) => prefixed(p, options.fieldPrefix(i))));
  if (problems.length > 0) throw invalid(problems);
  prepared.fromDomains.forEach((domain, i) => assertKeyMayUseDomains(principal, [domain], `${options.fieldPrefix(i)}from`));

  const { idempotency } = prepared;
  if (idempotency) {
    // a replay answers as before, whatever today's quota: it sends nothing new
    const replay = await findIdempotentReplay(deps.store.db, principal.projectId, idempotency.keys, idempotency.hash);
    if (replay) return { messages: replay, replayed: true };
  }
  // templates are rendered before the quota is reserved: a message that cannot be rendered costs nothing
  await prepared.render();
  const recipients = prepared.recipientCounts.reduce((n, count) => n + count, 0);
  const limit = principal.dailyQuota ?? deps.settings.dailyQuota;
  const release = deps.quota ? await reserveDailyQuota(deps.quota, principal.projectId, recipients, limit, { log: deps.log }) : null;
  // where the messages are composed; its memory goes back for the next request once the commit has settled
  const arena = new MessageArena();
  try {
    // the clock pinned to the request's time; named field by field, every one (a spread copy is slow in V8, see withContent)
    const commitDeps: { [K in keyof Required<CommitDeps>]: CommitDeps[K] } = { store: deps.store, enqueue: deps.enqueue, log: deps.log, now: () => now };
    const result = await commitMessages(commitDeps, principal, prepared.drafts(arena), {
      maxMessageBytes: deps.settings.maxMessageBytes,
      fieldPrefix: options.fieldPrefix,
      idempotency,
      source: options.source,
    });
    if (result.replayed) await release?.();
    else countAccepted(options.source, result.messages.length, recipients);
    return result;
  } catch (err) {
    await release?.();
    throw err;
  } finally {
    arena.release();
  }
}

/** A request read far enough to check it; its messages are built only once it goes ahead (no replay, within quota). */
interface Prepared {
  /** Each message's From domain, for the key's domain limits. */
  fromDomains: string[];
  /** Each message's recipients as given (to, cc and bcc; the envelope over SMTP), for the limit and the quota. */
  recipientCounts: number[];
  idempotency: { keys: string[]; hash: string } | undefined;
  /** Renders the messages' templates (applyTemplates), before drafts. */
  render: () => Promise<void>;
  /** Composes the messages into `arena`. */
  drafts: (arena: MessageArena) => MessageDraft[];
}

function prepare(deps: IntakeDeps, principal: Principal, request: IntakeRequest, options: SubmitOptions, now: Date): Prepared {
  if (request.kind === 'fields') {
    let { messages } = request;
    const problems = messages.flatMap((m, i) =>
      [
        ...tagProblems(m.tags),
        ...metadataProblems(m.metadata),
        ...scheduleProblems(m.sendAt, now),
        ...unsubscribeProblems(m.unsubscribe, hasOwnListUnsubscribe(m.headers.map(([name]) => name))),
      ].map((p) => prefixed(p, options.fieldPrefix(i))),
    );
    if (problems.length > 0) throw invalid(problems);
    return {
      fromDomains: messages.map((m) => domainOf(m.from.email)),
      recipientCounts: messages.map((m) => m.to.length + m.cc.length + m.bcc.length),
      idempotency: options.idempotency && { keys: storedIdempotencyKeys(options.idempotency.key, messages.length, request.batch), hash: options.idempotency.hash },
      render: async () => {
        messages = await applyTemplates(deps.store.db, principal.projectId, messages, options.fieldPrefix);
      },
      drafts: (arena) => {
        const drafts = draftMessages(messages, now, arena);
        // composed: the texts are let go (see IntakeRequest)
        messages = request.messages = [];
        return drafts;
      },
    };
  }
  // a message given whole is read first: its From header and X-Herald headers are what the checks need
  const { draft, idempotencyKey, templated, ownMessageId } = prepareRawSubmission({ raw: request.raw, recipients: request.recipients }, now);
  const key = options.idempotency?.key ?? idempotencyKey;
  const sameMessage = request.sameBy === 'message-id' && ownMessageId ? { messageId: draft.messageIdHeader } : { raw: request.raw.toString('base64') };
  let rendered: SendRequest[] = [];
  return {
    fromDomains: [domainOf(draft.from.email)],
    recipientCounts: [request.recipients.length],
    idempotency: key ? { keys: [key], hash: requestHash({ recipients: request.recipients, ...sameMessage }) } : undefined,
    // with X-Herald-Template, Herald composes the message from the template (raw-template.ts)
    render: async () => {
      if (templated) rendered = await applyTemplates(deps.store.db, principal.projectId, [templated], options.fieldPrefix);
    },
    drafts: (arena) => (templated ? draftMessages(rendered, now, arena) : [draft]),
  };
}

const prefixed = (p: ErrorDetail, prefix: string): ErrorDetail => ({ field: `${prefix}${p.field}`, message: p.message });

const invalid = (problems: ErrorDetail[]) => new HeraldError('validation_failed', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);

/** Messages and recipients accepted, by front end (a replay accepts nothing new). */
function countAccepted(source: string, messages: number, recipients: number): void {
  metrics().messagesAccepted.inc({ source }, messages);
  metrics().recipientsAccepted.inc({ source }, recipients);
}
