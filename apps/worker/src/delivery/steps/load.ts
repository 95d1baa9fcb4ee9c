import { open } from '@herald/core';
import { syntheticReply } from '../outcome.ts';
import { decideAll, type Step } from '../attempt.ts';

/** The message and its recipients at this job's domain that are still to be delivered. */
export const load: Step = async (deps, attempt) => {
  const message = await deps.db.message.findUnique({
    where: { id: attempt.job.messageId },
    select: {
      id: true,
      projectId: true,
      domainId: true,
      status: true,
      sendAt: true,
      fromEmail: true,
      raw: true,
      createdAt: true,
      test: true,
      tags: true,
      metadata: true,
      project: { select: { relayUrlEncrypted: true } },
      domain: { select: { name: true, returnPathHost: true, status: true } },
      recipients: {
        where: { domain: attempt.job.domain, status: { in: ['queued', 'deferred'] } },
        select: { id: true, email: true, attempts: true },
        orderBy: { id: 'asc' },
      },
    },
  });
  if (!message) {
    deps.log.warn({ messageId: attempt.job.messageId }, 'delivery job for a message that does not exist');
    return;
  }
  const fromDomain = message.fromEmail.slice(message.fromEmail.lastIndexOf('@') + 1);
  attempt.recipients = message.recipients;
  attempt.message = {
    id: message.id,
    projectId: message.projectId,
    domainId: message.domainId,
    status: message.status,
    sendAt: message.sendAt,
    fromEmail: message.fromEmail,
    raw: message.raw ? Buffer.from(message.raw) : Buffer.alloc(0),
    createdAt: message.createdAt,
    test: message.test,
    tags: message.tags,
    metadata: message.metadata,
    projectRelay: message.project.relayUrlEncrypted ? open(message.project.relayUrlEncrypted, deps.masterKey) : null,
    returnPathDomain: message.domain?.returnPathHost ?? fromDomain,
    domainStatus: message.domain?.status ?? null,
  };
  if (!message.raw) decideAll(attempt, syntheticReply(550, '5.3.0', 'message content was purged before delivery'), true);
};
