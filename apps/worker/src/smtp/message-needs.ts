import { isAscii } from 'node:buffer';
import { isAsciiAddress } from '@herald/core';
import { syntheticReply, type SmtpReply } from '@herald/core';

/** What a message, as it goes to the wire, needs of the receiving server. */
export interface MessageNeeds {
  /**
   * 8-bit octets in its header: RFC 6532 UTF-8 (an address with a UTF-8 local part, which has no 7-bit
   * form), so only a server offering SMTPUTF8 (RFC 6531) may receive it.
   */
  utf8Headers: boolean;
  /** 8-bit octets in its body (one the 7-bit converter did not see): BODY=8BITMIME where offered. */
  eightBitBody: boolean;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Reads the needs off the octets about to be sent (the signature headers, then the message, in parts
 * that are not copied together): the header is everything up to the first empty line, wherever the
 * parts are cut. The header is scanned octet by octet (it is small), the body natively.
 */
export function messageNeeds(message: Buffer | Buffer[]): MessageNeeds {
  let utf8Headers = false;
  let eightBitBody = false;
  let inHeader = true;
  let lineStart = true; // the next octet begins a line
  let blankCr = false; // a CR began a line: an LF now ends the header
  let previous = -1;
  for (const part of Array.isArray(message) ? message : [message]) {
    let bodyFrom = 0;
    if (inHeader) {
      bodyFrom = part.length;
      for (let i = 0; i < part.length; i++) {
        const octet = part[i] as number;
        if (blankCr && octet === LF) {
          inHeader = false;
          bodyFrom = i + 1;
          break;
        }
        if (octet >= 0x80) utf8Headers = true;
        blankCr = lineStart && octet === CR;
        lineStart = previous === CR && octet === LF;
        previous = octet;
      }
    }
    if (!inHeader && !eightBitBody && !isAscii(part.subarray(bodyFrom))) eightBitBody = true;
  }
  return { utf8Headers, eightBitBody };
}

/** Whether this transaction must carry SMTPUTF8: a UTF-8 header or a UTF-8 recipient (the envelope sender is always ASCII). */
export function needsSmtpUtf8(needs: MessageNeeds, recipients: string[]): boolean {
  return needs.utf8Headers || recipients.some((r) => !isAsciiAddress(r));
}

/**
 * The recipients that cannot be sent to a server that does not offer SMTPUTF8 (RFC 6531 §3.2: such
 * mail is not sent there, and Herald does not downgrade it), with their replies: a recipient whose
 * own address is UTF-8 gets 553 5.6.7 (non-ASCII address not permitted, RFC 6531 §3.5); when the
 * header is UTF-8, every other recipient gets 550 5.6.9 (a UTF-8 header message cannot be
 * transferred; 550 is the code the registry associates with it, RFC 6531 §4.2). Permanent:
 * the server's extensions will not change on a retry. The others can still go, without SMTPUTF8.
 */
export function refusedWithoutSmtpUtf8(recipients: string[], needs: MessageNeeds, server: string): Map<string, SmtpReply> {
  const refused = new Map<string, SmtpReply>();
  for (const recipient of recipients) {
    if (!isAsciiAddress(recipient)) {
      refused.set(recipient, syntheticReply(553, '5.6.7', `${server} does not offer SMTPUTF8, which this internationalised address needs`));
    } else if (needs.utf8Headers) {
      refused.set(recipient, syntheticReply(550, '5.6.9', `${server} does not offer SMTPUTF8, which this message's UTF-8 header fields need`));
    }
  }
  return refused;
}
