import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submit, type SendRequest } from '@herald/core';
import { createTemplate, updateTemplate, type TemplateWithVersion } from '@herald/core/templates';
import { parseDelivered } from '@herald/test/support/delivered-mail.ts';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { testIntake, testPrincipal } from '@herald/test/support/intake.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';

/**
 * A batch sent by template through the real intake (the step every front end shares) and delivered by
 * the real pipeline to a real MX: each message arrives rendered from its own variables, in its layout,
 * CSS inlined, with a text part made from the HTML, DKIM-signed; a version published after the batch
 * was accepted changes nothing of it.
 */
describe('a batch of template messages delivered to a real MX', () => {
  let h: DeliveryHarness;
  let sink: MxSink;
  let template: TemplateWithVersion;

  beforeAll(async () => {
    h = await startDeliveryHarness('tpl-batch');
    sink = await startMxSink();
    h.routeDomain('receipts.test', sink.host);
    const layout = await createTemplate(h.db, h.projectId, {
      kind: 'layout',
      name: 'Frame',
      alias: null,
      layoutId: null,
      content: { subject: '', html: '<html><body><div class="frame">{{{@content}}}</div><p>{{shop}}</p></body></html>', text: null, sampleVariables: null },
    });
    template = await createTemplate(h.db, h.projectId, {
      kind: 'template',
      name: 'Receipt',
      alias: 'receipt',
      layoutId: layout.id,
      content: {
        subject: 'Receipt {{order}} – {{name}}',
        html: '<style>.total { font-weight: bold; }</style><h1>Thanks, {{name}}</h1><ul>{{#each items}}<li>{{title}}: {{formatNumber price "currency" "EUR"}}</li>{{/each}}</ul><p class="total">{{formatNumber total "currency" "EUR"}}</p><a href="{{link}}">Your order</a>',
        text: null,
        sampleVariables: null,
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  const orders = [0, 1, 2, 3].map((i) => ({
    name: ['Zoë', 'Ann <b>', 'Ωmega', 'Kim'][i] as string,
    order: `#${100 + i}`,
    items: Array.from({ length: i + 1 }, (_, j) => ({ title: `item ${i}.${j}`, price: 10 + j })),
    total: (i + 1) * 10,
    link: `https://shop.example/orders/${100 + i}`,
    shop: 'Herald Shop',
  }));

  it('renders each message from its own variables, and a version published afterwards changes none of them', async () => {
    const intake = testIntake(h.store, { now: () => h.now });
    const messages = orders.map(
      (variables, i): SendRequest => ({
        from: { email: `shop@${h.senderDomain}` },
        to: [{ email: `buyer${i}@receipts.test` }],
        cc: [],
        bcc: [],
        replyTo: [],
        subject: '',
        headers: [],
        attachments: [],
        tags: [],
        metadata: {},
        template: { alias: 'receipt', variables },
      }),
    );
    const accepted = await submit(intake, testPrincipal(h.projectId), { kind: 'fields', messages, batch: true }, { fieldPrefix: (i) => `messages.${i}.`, source: 'api' });
    // published before the batch is delivered
    await updateTemplate(h.db, h.projectId, template.id, { content: { subject: 'CHANGED {{order}}', html: '<p>changed</p>' } });

    for (const job of intake.jobs) await h.deliver(job.data);
    for (const [i, message] of accepted.messages.entries()) {
      const copy = sink.received.find((m) => m.rcptTo.includes(`buyer${i}@receipts.test`));
      expect(copy, `message ${i} at the MX`).toBeDefined();
      const mail = await parseDelivered(copy?.raw as Buffer);
      const order = orders[i] as (typeof orders)[number];
      expect(mail.subject).toBe(`Receipt ${order.order} – ${order.name}`);
      const html = mail.html as string;
      expect(html).toContain(`<div class="frame"><h1>Thanks, ${i === 1 ? 'Ann &lt;b&gt;' : order.name}</h1>`);
      expect(html).toContain('<p class="total" style="font-weight: bold;">');
      expect(html.match(/<li>/g)).toHaveLength(order.items.length);
      expect(html).toContain(`€${order.total}.00`);
      expect(mail.text).toContain(`Your order [${order.link}]`);
      expect(mail.text).toContain(`item ${i}.0: €10.00`);
      expect(mail.text).toContain('Herald Shop');
      expect(await verifyDkim(copy?.raw as Buffer, h.dns)).toEqual([expect.objectContaining({ domain: h.senderDomain, result: 'pass' })]);
      const row = await h.db.message.findUniqueOrThrow({ where: { id: message.id } });
      expect(row).toMatchObject({ templateId: template.id, templateVersion: 1, status: 'delivered' });
    }
  });
});
