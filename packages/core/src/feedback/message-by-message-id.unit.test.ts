import { describe, expect, it } from 'vitest';
import { pickReportedMessage, type MessageCandidate } from './message-by-message-id.ts';

/** Which message an abuse report quoting only a Message-ID is about: one left after the recipient it names, or none. */
describe('pickReportedMessage', () => {
  const ann: MessageCandidate = { id: 'msg_ann', recipients: [{ email: 'Ann@Example.org' }] };
  const bob: MessageCandidate = { id: 'msg_bob', recipients: [{ email: 'bob@example.org' }, { email: 'carol@example.org' }] };

  it('takes the only message with the Message-ID when the report names no recipient (redacted)', () => {
    expect(pickReportedMessage([ann], [])).toBe('msg_ann');
  });

  it('takes it when the report names one of its recipients, in any letter case', () => {
    expect(pickReportedMessage([ann], ['ann@example.ORG'])).toBe('msg_ann');
  });

  it('traces nothing when the report names someone who was not a recipient of that message', () => {
    expect(pickReportedMessage([ann], ['mallory@example.org'])).toBeNull();
  });

  it('tells messages sharing a Message-ID apart by the recipient the report names', () => {
    expect(pickReportedMessage([ann, bob], ['carol@example.org'])).toBe('msg_bob');
  });

  it('never guesses between messages sharing a Message-ID when the report does not say which', () => {
    expect(pickReportedMessage([ann, bob], [])).toBeNull();
    expect(pickReportedMessage([ann, { ...ann, id: 'msg_ann2' }], ['ann@example.org'])).toBeNull();
  });

  it('traces nothing when no message has the Message-ID', () => {
    expect(pickReportedMessage([], ['ann@example.org'])).toBeNull();
  });
});
