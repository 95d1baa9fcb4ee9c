import { describe, expect, it } from 'vitest';
import { withContent, type SendRequest } from './send-request.ts';

describe('withContent', () => {
  const request: Required<SendRequest> = {
    from: { email: 'orders@shop.example', name: 'Shop' },
    to: [{ email: 'ann@example.org' }],
    cc: [{ email: 'cc@example.org' }],
    bcc: [{ email: 'bcc@example.org' }],
    replyTo: [{ email: 'help@shop.example' }],
    subject: 'template subject',
    text: 'template text',
    html: '<p>template html</p>',
    headers: [['X-Order', '42']],
    attachments: [{ filename: 'a.txt', content: Buffer.from('a') }],
    tags: ['receipt'],
    metadata: { order: '42' },
    sendAt: new Date('2026-12-06T00:00:00Z'),
    template: { alias: 'receipt', variables: { order: 42 } },
    renderedFrom: { templateId: 'tpl_old', version: 1, layout: null },
    unsubscribe: true,
    plainText: true,
  };
  const content = { subject: 'Your order #42', text: 'Thanks', html: '<p>Thanks</p>', renderedFrom: { templateId: 'tpl_1', version: 3, layout: { id: 'tpl_2', version: 1 } } };

  it('replaces the content and what it was rendered from, and keeps every other field as it was', () => {
    const copy = withContent(request, content);
    // but for the request's word that its own text is plain ASCII: the template's content is scanned
    expect(copy).toStrictEqual({ ...request, ...content, plainText: undefined });
    expect(Object.keys(copy).sort()).toEqual(Object.keys(request).sort());
  });

  it('leaves the request itself unchanged', () => {
    withContent(request, content);
    expect(request.subject).toBe('template subject');
    expect(request.renderedFrom).toEqual({ templateId: 'tpl_old', version: 1, layout: null });
  });
});
