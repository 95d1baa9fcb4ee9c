import { syntheticReply, type Decision } from '@herald/core';

/**
 * Test mode (a test API key, or a project in test mode): the whole pipeline runs — signing, events,
 * webhooks — but nothing is sent to anyone. The local part of a recipient (before any +tag) picks the
 * outcome, at any domain:
 *   bounced@…    550 5.1.1, bounced (and suppressed, as a real hard bounce)
 *   deferred@…   451 4.2.0 on the first attempt, delivered on the next
 *   complained@… delivered, then a complaint (and suppressed)
 *   anything else delivered
 */
export function simulateDelivery(recipients: readonly { id: string; email: string; attempts: number }[]): Map<string, Decision> {
  return new Map(
    recipients.map((r) => {
      const local = r.email.slice(0, r.email.lastIndexOf('@')).split('+')[0]?.toLowerCase();
      switch (local) {
        case 'bounced':
          return [r.id, { reply: syntheticReply(550, '5.1.1', 'test mode: simulated bounce (mailbox does not exist)') }];
        case 'deferred':
          if (r.attempts === 0) return [r.id, { reply: syntheticReply(451, '4.2.0', 'test mode: simulated temporary failure') }];
          break;
        case 'complained':
          return [r.id, { reply: syntheticReply(250, '2.0.0', 'test mode: simulated delivery, then a complaint'), complained: true }];
      }
      return [r.id, { reply: syntheticReply(250, '2.0.0', 'test mode: not sent to anyone') }];
    }),
  );
}
