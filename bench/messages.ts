/** The benchmark's message: one recipient, about 5 KB of text and HTML, with a marker at the very end. */
const paragraph =
  'Thank you for your order. Your items are being prepared and will ship soon. You can follow the delivery from your account page at any time, and reply to this message if anything is not as expected. ';

export const TEXT = `${paragraph.repeat(12)}\nEND-OF-BENCH-MESSAGE\n`;
export const HTML = `<html><body>${`<p>${paragraph}</p>`.repeat(11)}<p>END-OF-BENCH-MESSAGE</p></body></html>`;

/** The recipient domains the sink answers for (MX records in the benchmark's DNS server). */
export const RECIPIENT_DOMAINS = Array.from({ length: 10 }, (_, i) => `r${i}.bench.test`);

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
