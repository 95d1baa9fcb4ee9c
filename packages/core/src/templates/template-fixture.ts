/**
 * A realistic transactional email for the tests and the benchmark (bench/templates.ts): an order
 * receipt of about 5 KB with a <style> block (a media query among its rules), a loop over the items
 * and about ten variables, in the table layout email templates use.
 */
export const RECEIPT_CSS = `
body { margin: 0; padding: 0; background: #f4f4f7; font-family: Helvetica, Arial, sans-serif; }
.wrapper { width: 100%; background: #f4f4f7; }
.content { width: 600px; margin: 0 auto; background: #ffffff; }
.preheader { display: none; font-size: 1px; color: #f4f4f7; max-height: 0; overflow: hidden; }
h1 { font-size: 22px; color: #333333; margin: 0 0 12px; }
h2 { font-size: 18px; color: #333333; }
p { font-size: 16px; line-height: 1.5; color: #51545e; margin: 0 0 12px; }
a { color: #3869d4; }
.button { background: #22bc66; color: #ffffff; padding: 10px 18px; border-radius: 4px; text-decoration: none; display: inline-block; }
table.items { width: 100%; border-collapse: collapse; }
table.items td { padding: 8px; border-bottom: 1px solid #eaeaec; font-size: 14px; }
table.items td.price { text-align: right; }
.address td { vertical-align: top; width: 50%; }
.footer p { font-size: 12px; color: #a8aaaf; text-align: center; }
@media only screen and (max-width: 600px) { .content { width: 100% !important; } .button { width: 100% !important; text-align: center; } }
`;

export const RECEIPT_HTML = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{shop.name}}</title><style>${RECEIPT_CSS}</style></head>
<body>
<span class="preheader">Your order #{{order.number}} is confirmed.</span>
<table class="wrapper" role="presentation"><tr><td>
<table class="content" role="presentation">
<tr><td style="padding:24px">
<h1>Hi {{customer.first_name}},</h1>
<p>Thanks for your order <strong>#{{order.number}}</strong> placed on {{formatDate order.placed_at "long"}}. We're getting it ready and will let you know as soon as it ships to {{order.city}}.</p>
<p>Here is what you ordered:</p>
<table class="items" role="presentation">
{{#each items}}
<tr><td>{{name}}</td><td>× {{quantity}}</td><td class="price">{{formatNumber price "currency" ../order.currency}}</td></tr>
{{/each}}
<tr><td colspan="2"><strong>Total</strong></td><td class="price"><strong>{{formatNumber order.total "currency" order.currency}}</strong></td></tr>
</table>
{{#if order.gift_message}}<p><em>Your gift message: “{{order.gift_message}}”</em></p>{{/if}}
<h2>Delivery</h2>
<table class="address" role="presentation"><tr>
<td><p><strong>Shipping to</strong><br>{{customer.first_name}} {{customer.last_name}}<br>{{order.street}}<br>{{order.postcode}} {{order.city}}</p></td>
<td><p><strong>Estimated delivery</strong><br>{{formatDate order.delivery_from "medium"}} to {{formatDate order.delivery_to "medium"}}<br>by standard parcel service, signature not required.</p></td>
</tr></table>
<p>Parcels usually arrive within three to five working days. If nobody is at home, the carrier leaves a card and tries again the next working day, or leaves the parcel with a neighbour if you allowed that in your account. Large items are delivered to the kerb; our carrier can carry them in for a small fee that you can book on the tracking page.</p>
<p>You can follow your parcel at any time:</p>
<p><a class="button" href="{{order.tracking_url}}">Track your order</a></p>
<h2>Returns</h2>
<p>Changed your mind? You can return any item within 30 days of delivery, unworn and with its labels, for a full refund. Start a return from your account, print the prepaid label and drop the parcel at any post office. Refunds reach your original payment method within five working days of the parcel arriving at our warehouse. Items bought on sale can be exchanged for another size free of charge.</p>
<h2>Questions?</h2>
<p>Reply to this email or visit our <a href="https://shop.example/help">help centre</a>. Our team answers within one working day, Monday to Friday. If you need to change the delivery address, please do so before the parcel leaves our warehouse; after that the carrier can only redirect it to a pick-up point near you.</p>
<p>Your account: <a href="{{account_url}}">{{account_url}}</a></p>
<p>We hope you enjoy your purchase, and thank you for shopping with {{shop.name}}.</p>
<p>— The {{shop.name}} team</p>
</td></tr>
</table>
<table class="footer" role="presentation"><tr><td>
<p>{{shop.name}}, {{shop.address}}</p>
<p>You received this email because you placed an order at shop.example. <a href="{{unsubscribe_url}}">Unsubscribe</a> from our newsletter, or change which emails you get in your account settings.</p>
<p>Questions about your privacy? Read our <a href="https://shop.example/privacy">privacy policy</a> to learn how we handle your data. We never sell your personal information to third parties, and you may ask us for a copy of it at any time.</p>
</td></tr></table>
</td></tr></table>
</body></html>`;

export const RECEIPT_SUBJECT = 'Your {{shop.name}} order #{{order.number}}';

/** The variables of the nth message: each message's own (its number, time, total and prices differ). */
export function receiptVariables(n: number): Record<string, unknown> {
  return {
    shop: { name: 'Shop & Co', address: '1 Main Street, Springfield' },
    customer: { first_name: `Ann ${n}`, last_name: 'Lee' },
    order: {
      number: 10_000 + n,
      placed_at: new Date(Date.UTC(2026, 0, 2, 9, 30) + n * 60_000).toISOString().replace('.000Z', 'Z'),
      street: 'Hohe Straße 12',
      postcode: '50667',
      city: 'Köln',
      delivery_from: '2026-01-05',
      delivery_to: '2026-01-07',
      currency: 'EUR',
      total: `${100 + n}.50`,
      gift_message: n % 2 === 0 ? 'Happy birthday <3' : null,
      tracking_url: `https://track.example/p/${n}?ref=mail&lang=en`,
    },
    items: [1, 2, 3, 4, 5].map((k) => ({ name: `Item <${k}> & more`, quantity: k, price: `${k}${n % 100}.90` })),
    account_url: 'https://shop.example/account',
    unsubscribe_url: `https://shop.example/u/${n}`,
  };
}
