import { syntheticReply, toSevenBit } from '@herald/core';
import { signedParts } from '../../signing/sign-message.ts';
import { CONTINUE, decideAll, loadedMessage, type Step } from '../attempt.ts';

/**
 * Makes the message 7-bit clean with no line over 998 octets (re-encoding only the parts that need it),
 * then signs it once for this attempt with every key of the sending domain that was active when the
 * message was loaded (the load step read their ids): the signature covers exactly the bytes any
 * server — with or without 8BITMIME — receives. A header that keeps UTF-8 (an internationalised
 * address, RFC 6532) is signed as it is; the SMTP layer sends such a message only to servers offering
 * SMTPUTF8. Never sends unsigned.
 */
export const sign: Step = async (deps, attempt) => {
  const message = loadedMessage(attempt);
  if (!message.domainId) {
    return decideAll(attempt, syntheticReply(550, '5.7.0', 'the sending domain was deleted; the message cannot be signed'), { final: true });
  }
  if (message.domainStatus !== 'verified') {
    // its DKIM record is missing or changed: wait for it to be fixed (or for the message to expire)
    return decideAll(attempt, syntheticReply(451, '4.7.5', 'the sending domain is not verified: its DKIM record is missing or wrong'));
  }
  const keys = await deps.keys.signingKeys(message.dkimKeyIds);
  if (keys.length === 0) {
    // wait for a key (the domain may be mid-rotation) rather than bounce
    return decideAll(attempt, syntheticReply(451, '4.7.5', 'no active DKIM key for the sending domain'));
  }
  const clean = toSevenBit(message.raw);
  if (clean.warnings.length > 0) deps.log.warn({ messageId: message.id, warnings: clean.warnings }, 'message re-encoded with warnings');
  attempt.signed = signedParts(clean.raw, keys, attempt.now);
  return CONTINUE;
};
