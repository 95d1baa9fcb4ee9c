import type { Db } from '../db/client.ts';
import { HeraldError } from '../errors/registry.ts';
import { newId } from '../ids.ts';
import { buildMessage } from '../mime/build-message.ts';
import type { DeliveryJob } from '../queue/delivery-queue.ts';
import type { Log } from '../logger.ts';
import { domainOf, type Mailbox } from './address.ts';

/** A send request whose fields are already validated (addresses normalised, no line breaks). */
export interface SendRequest {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  subject: string;
  text?: string | undefined;
  html?: string | undefined;
}

export interface Sender {
  projectId: string;
  apiKeyId: string | null;
  /** Test-mode messages go through the pipeline but reach no mail server. */
  test: boolean;
}

export interface IntakeDeps {
  db: Db;
  /** Adds delivery jobs to the queue (BullMQ in production). */
  enqueue: (jobs: DeliveryJob[]) => Promise<void>;
  log: Log;
  now?: () => Date;
}

export interface AcceptedMessage {
  id: string;
  status: 'queued';
  recipients: { email: string; status: 'queued' }[];
}

/**
 * The one intake path (API now, SMTP later): check the sender's domain belongs to the project, build
 * the raw message once, commit message + recipients + `queued` events in one transaction, and only
 * then enqueue one delivery job per recipient domain. The caller answers 202 after this returns, so a
 * 202 always means committed. A failed enqueue is logged and left to the sweeper: the message is safe
 * in Postgres.
 */
export async function acceptMessage(deps: IntakeDeps, sender: Sender, request: SendRequest): Promise<AcceptedMessage> {
  const now = deps.now?.() ?? new Date();
  const fromDomain = domainOf(request.from.email);
  const domain = await deps.db.domain.findUnique({
    where: { projectId_name: { projectId: sender.projectId, name: fromDomain } },
    select: { id: true },
  });
  if (!domain) {
    throw new HeraldError('domain_not_verified', `from: ${fromDomain} is not a sending domain of this project`, [
      { field: 'from', message: `${fromDomain} is not a sending domain of this project` },
    ]);
  }

  const messageId = newId('message', now.getTime());
  const raw = await buildMessage({
    from: request.from,
    to: request.to,
    cc: request.cc,
    subject: request.subject,
    text: request.text,
    html: request.html,
    messageId: `${messageId}@${fromDomain}`,
    date: now,
  });

  const recipients = uniqueRecipients(request).map((r) => ({
    id: newId('recipient', now.getTime()),
    messageId,
    projectId: sender.projectId,
    email: r.email,
    domain: domainOf(r.email),
    kind: r.kind,
  }));

  await deps.db.$transaction([
    deps.db.message.create({
      data: {
        id: messageId,
        projectId: sender.projectId,
        domainId: domain.id,
        apiKeyId: sender.apiKeyId,
        test: sender.test,
        fromEmail: request.from.email,
        fromName: request.from.name ?? null,
        subject: request.subject,
        messageIdHeader: `${messageId}@${fromDomain}`,
        raw: new Uint8Array(raw),
        rawSize: raw.length,
        createdAt: now,
      },
    }),
    deps.db.recipient.createMany({ data: recipients }),
    deps.db.event.createMany({
      data: recipients.map((r) => ({
        id: newId('event', now.getTime()),
        projectId: sender.projectId,
        messageId,
        recipientId: r.id,
        type: 'queued' as const,
        email: r.email,
        createdAt: now,
      })),
    }),
  ]);

  const domains = [...new Set(recipients.map((r) => r.domain))];
  try {
    await deps.enqueue(domains.map((d) => ({ messageId, domain: d })));
  } catch (err) {
    deps.log.error({ err, messageId }, 'message committed but not enqueued; the sweeper will enqueue it');
  }

  return { id: messageId, status: 'queued', recipients: recipients.map((r) => ({ email: r.email, status: 'queued' })) };
}

/** One recipient row per address, whichever of to/cc/bcc it first appears in. */
function uniqueRecipients(request: SendRequest): { email: string; kind: 'to' | 'cc' | 'bcc' }[] {
  const seen = new Map<string, { email: string; kind: 'to' | 'cc' | 'bcc' }>();
  for (const [kind, list] of [
    ['to', request.to],
    ['cc', request.cc],
    ['bcc', request.bcc],
  ] as const) {
    for (const mailbox of list) {
      const key = mailbox.email.toLowerCase();
      if (!seen.has(key)) seen.set(key, { email: mailbox.email, kind });
    }
  }
  return [...seen.values()];
}
