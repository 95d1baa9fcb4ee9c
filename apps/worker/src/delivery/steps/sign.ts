import { syntheticReply, toSevenBit, unsubscribeHeaderLines } from '@herald/core';
import { algorithmTag, prepareSignatures } from '../../signing/sign-message.ts';
import { CONTINUE, decideAll, loadedMessage, type Step } from '../attempt.ts';

/**
 * Makes the message 7-bit clean with no line over 998 octets (re-encoding only the parts that need it),
 * then signs it once for this attempt with every key of the sending domain that was active when the
 * message was loaded (the load step read their ids): the signature covers exactly the bytes any
 * server — with or without 8BITMIME — receives. A header that keeps UTF-8 (an internationalised
 * address, RFC 6532) is signed as it is; the SMTP layer sends such a message only to servers offering
 * SMTPUTF8. Never sends unsigned. The attempt's events record each signature's domain, selector and
 * algorithm.
 *
 * A message with one-click unsubscribe (RFC 8058) is signed once per recipient instead: each copy
 * carries List-Unsubscribe and List-Unsubscribe-Post with the recipient's own signed token, both
 * covered by the signature (the body is hashed once). It waits while the worker has no
 * HERALD_PUBLIC_URL to point the link at, rather than go without the headers it asked for.
 */
export const sign: Step = async (deps, attempt) => {
  const message = loadedMessage(attempt);
  // no domain row (load joins it, and a domain always has a status): its domain_id was set to null when
  // the domain was deleted, or the domain was deleted while the message was being accepted (no foreign
  // key ties them: docs/partitioning.md#foreign-keys)
  if (message.domainStatus === null) {
    return decideAll(attempt, syntheticReply(550, '5.7.0', 'the sending domain was deleted; the message cannot be signed'), { final: true });
  }
  if (message.domainStatus !== 'verified') {
    // its DKIM record is missing or changed: wait for it to be fixed (or for the message to expire)
    return decideAll(attempt, syntheticReply(451, '4.7.5', 'the sending domain is not verified: its DKIM record is missing or wrong'));
  }
  const publicUrl = deps.settings.publicUrl;
  if (message.unsubscribe && !publicUrl) {
    return decideAll(attempt, syntheticReply(451, '4.3.5', 'one-click unsubscribe was asked for, but the worker has no HERALD_PUBLIC_URL for the link'));
  }
  const keys = await deps.keys.signingKeys(message.dkimKeyIds);
  if (keys.length === 0) {
    // wait for a key (the domain may be mid-rotation) rather than bounce
    return decideAll(attempt, syntheticReply(451, '4.7.5', 'no active DKIM key for the sending domain'));
  }
  const clean = toSevenBit(message.raw);
  if (clean.warnings.length > 0) deps.log.warn({ messageId: message.id, warnings: clean.warnings }, 'message re-encoded with warnings');
  const signatures = prepareSignatures(clean.raw, keys, attempt.now);
  attempt.signedWith = keys.map((key) => ({ domain: key.domain, selector: key.selector, algorithm: algorithmTag(key) }));
  if (message.unsubscribe && publicUrl) {
    const links = { publicUrl, bounceHost: deps.settings.bounceHost };
    attempt.signedPerRecipient = new Map(
      attempt.recipients.map((r) => {
        const fields = unsubscribeHeaderLines(deps.masterKey, r.id, links);
        return [r.email, [Buffer.from(signatures(fields), 'latin1'), Buffer.from(fields, 'latin1'), clean.raw]];
      }),
    );
  } else {
    attempt.signed = [Buffer.from(signatures(), 'latin1'), clean.raw];
  }
  return CONTINUE;
};
