/** The benchmark's message: one recipient, about 5 KB of text and HTML, with a marker at the very end. */
const paragraph =
  'Thank you for your order. Your items are being prepared and will ship soon. You can follow the delivery from your account page at any time, and reply to this message if anything is not as expected. ';

export const TEXT = `${paragraph.repeat(12)}\nEND-OF-BENCH-MESSAGE\n`;
export const HTML = `<html><body>${`<p>${paragraph}</p>`.repeat(11)}<p>END-OF-BENCH-MESSAGE</p></body></html>`;

/** The recipient domains the sink answers for (MX records in the benchmark's DNS server). */
export const RECIPIENT_DOMAINS = Array.from({ length: 10 }, (_, i) => `r${i}.bench.test`);

/** The one destination of the one-destination phase (most product mail goes to a few large providers). */
export const ONE_DOMAIN = 'one.bench.test';

export function message(from: string, i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    from,
    to: `user${i}@${RECIPIENT_DOMAINS[i % RECIPIENT_DOMAINS.length]}`,
    subject: `Your order #${i}`,
    text: TEXT,
    html: HTML,
    ...extra,
  };
}

/** The benchmark's message, to the one destination. */
export const oneDestinationMessage = (from: string, i: number): Record<string, unknown> => message(from, i, { to: `user${i}@${ONE_DOMAIN}` });

/**
 * The benchmark's template: the same message as `message` once rendered (about 5 KB of HTML, a
 * subject, the text part made from the HTML), with a greeting, an order number and a list of three
 * items from each message's own variables, and a <style> block whose rules are inlined.
 */
export const BENCH_TEMPLATE = {
  name: 'Bench order',
  alias: 'bench-order',
  subject: 'Your order #{{order}}',
  html: `<html><head><style>p { margin: 0 0 12px; } .items li { color: #333333; }</style></head><body><p>Hi {{name}},</p>${`<p>${paragraph}</p>`.repeat(10)}<ul class="items">{{#each items}}<li>{{title}} × {{quantity}}</li>{{/each}}</ul><p>END-OF-BENCH-MESSAGE</p></body></html>`,
};

/** A message of the benchmark's template, with its own variables. */
export function templateMessage(from: string, i: number): Record<string, unknown> {
  return {
    from,
    to: `user${i}@${RECIPIENT_DOMAINS[i % RECIPIENT_DOMAINS.length]}`,
    template: {
      alias: BENCH_TEMPLATE.alias,
      variables: { name: `Customer ${i}`, order: i, items: [1, 2, 3].map((n) => ({ title: `Item ${i}-${n}`, quantity: n })) },
    },
  };
}
