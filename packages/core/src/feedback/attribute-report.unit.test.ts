import { describe, expect, it } from 'vitest';
import { attributeReport } from './attribute-report.ts';

const message = [
  { id: 'rcpt_A', email: 'ann@example.org' },
  { id: 'rcpt_B', email: 'Bob@Example.org' },
];

describe("attributing a report to the delivery's recipients", () => {
  it("matches a message's return path to the recipients it names, case aside", () => {
    expect(attributeReport({ kind: 'message', id: 'msg_1' }, message, [{ address: 'bob@example.org' }, { address: 'ANN@example.org' }])).toEqual({
      matched: [{ recipientId: 'rcpt_B', index: 0, by: 'address' }, { recipientId: 'rcpt_A', index: 1, by: 'address' }],
      ignored: [],
    });
  });

  it("ignores addresses that are not the message's recipients: a report cannot reach another message's recipients", () => {
    expect(attributeReport({ kind: 'message', id: 'msg_1' }, message, [{ address: 'victim@elsewhere.example' }, { address: 'ann@example.org' }])).toEqual({
      matched: [{ recipientId: 'rcpt_A', index: 1, by: 'address' }],
      ignored: [{ index: 0, address: 'victim@elsewhere.example', reason: 'not a recipient of the delivery this return path was issued for' }],
    });
  });

  it("lets a recipient's return path reach only that recipient, not the others of its message", () => {
    expect(attributeReport({ kind: 'recipient', id: 'rcpt_A' }, message, [{ address: 'ann@example.org' }, { address: 'bob@example.org' }])).toEqual({
      matched: [{ recipientId: 'rcpt_A', index: 0, by: 'address' }],
      ignored: [{ index: 1, address: 'bob@example.org', reason: 'not a recipient of the delivery this return path was issued for' }],
    });
  });

  it('matches on Original-Recipient when the final address is where the mail was forwarded', () => {
    expect(attributeReport({ kind: 'message', id: 'msg_1' }, message, [{ address: 'ann@forward.example', originalAddress: 'ann@example.org' }]).matched).toEqual([{ recipientId: 'rcpt_A', index: 0, by: 'original-address' }]);
  });

  it("flags a single unknown address at a recipient's return path as attributed by the return path alone", () => {
    expect(attributeReport({ kind: 'recipient', id: 'rcpt_B' }, message, [{ address: 'bob@forward.example' }])).toEqual({ matched: [{ recipientId: 'rcpt_B', index: 0, by: 'return-path' }], ignored: [] });
    expect(attributeReport({ kind: 'message', id: 'msg_1' }, message, [{ address: 'bob@forward.example' }]).matched).toEqual([]);
  });

  it('counts a recipient reported twice once, and matches nothing for a recipient id Herald does not know', () => {
    expect(attributeReport({ kind: 'message', id: 'msg_1' }, message, [{ address: 'ann@example.org' }, { address: 'ann@example.org' }]).ignored).toEqual([{ index: 1, address: 'ann@example.org', reason: 'the same recipient was reported earlier in this report' }]);
    expect(attributeReport({ kind: 'recipient', id: 'rcpt_Z' }, message, [{ address: 'ann@example.org' }])).toEqual({ matched: [], ignored: [{ index: 0, address: 'ann@example.org', reason: 'the return path names no recipient Herald knows' }] });
  });
});
