import { newId } from '../ids.ts';
import { buildMessage } from '../mime/build-message.ts';
import { estimatedBytes, type MessageArena } from '../mime/message-arena.ts';
import { domainOf } from './address.ts';
import type { MessageDraft } from './commit-messages.ts';
import type { SendRequest } from './send-request.ts';
import { hasOwnListUnsubscribe } from './unsubscribe-choice.ts';

/**
 * Each message of a request given as fields, built once (RFC 5322, CRLF, a Message-ID on the sending
 * domain) into the draft intake commits. The messages' bytes are written into `arena`, one after
 * another (the commit sends them as they are): the caller releases it once the commit has settled.
 */
export function draftMessages(requests: readonly SendRequest[], now: Date, arena: MessageArena): MessageDraft[] {
  arena.expect(estimatedBytes(requests));
  return requests.map((request) => {
    const id = newId('message', now.getTime());
    const messageIdHeader = `${id}@${domainOf(request.from.email)}`;
    // the stamp apart, not spread into a copy of the request (see withContent in send-request.ts)
    const raw = buildMessage(request, { messageId: messageIdHeader, date: now }, arena);
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
      renderedFrom: request.renderedFrom,
      unsubscribe: request.unsubscribe,
      ownListUnsubscribe: hasOwnListUnsubscribe(request.headers.map(([name]) => name)),
    };
  });
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
