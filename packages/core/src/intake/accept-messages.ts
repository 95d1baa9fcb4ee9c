import { newId } from '../ids.ts';
import { buildMessage } from '../mime/build-message.ts';
import { domainOf } from './address.ts';
import { commitMessages, type AcceptedMessage, type IntakeDeps, type IntakeOptions, type Sender } from './commit-messages.ts';
import type { SendRequest } from './send-request.ts';

export type { AcceptedMessage, IntakeDeps, IntakeOptions, MessageDraft, Sender } from './commit-messages.ts';

/**
 * Intake of API requests: each message is built once from its fields (RFC 5322, CRLF, a Message-ID on
 * the sending domain), then committed with the rest of the request.
 */
export async function acceptMessages(
  deps: IntakeDeps,
  sender: Sender,
  requests: SendRequest[],
  options: IntakeOptions,
): Promise<{ messages: AcceptedMessage[]; replayed: boolean }> {
  const now = deps.now?.() ?? new Date();
  const drafts = requests.map((request) => {
    const id = newId('message', now.getTime());
    const messageIdHeader = `${id}@${domainOf(request.from.email)}`;
    const raw = buildMessage({ ...request, messageId: messageIdHeader, date: now });
    return {
      id,
      raw,
      from: request.from,
      subject: request.subject,
      messageIdHeader,
      recipients: uniqueRecipients(request),
      tags: request.tags,
      metadata: request.metadata,
      sendAt: request.sendAt,
    };
  });
  return commitMessages({ ...deps, now: () => now }, sender, drafts, options);
}

/** One recipient row per address (case-insensitively), whichever of to/cc/bcc it first appears in. */
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
