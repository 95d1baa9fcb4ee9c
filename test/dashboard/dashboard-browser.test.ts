import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@herald/test/support/chromium.ts';
import { startHeraldStack, type HeraldStack } from '@herald/test/support/herald-stack.ts';
import { waitFor } from '@herald/test/support/wait-for.ts';

const SHOTS = new URL('../../docs/dashboard/', import.meta.url);
const ADMIN_TOKEN = 'd'.repeat(48);

/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core) against Herald started
 * as an operator starts it: API and worker processes, a test DNS server and a test MX. Each screen's
 * screenshot goes to docs/dashboard/.
 */
describe('the dashboard in a browser', () => {
  let stack: HeraldStack;
  let browser: Browser;
  let receiver: Server;
  const hits: string[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    // one after the other: both are heavy to start on a small machine
    stack = await startHeraldStack({
      label: 'dash',
      env: { HERALD_WEBHOOK_ALLOW_HTTP: 'true', HERALD_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1', HERALD_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    browser = await launchChromium();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    receiver?.close();
  });

  const receiverUrl = () => `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const shot = (page: Page, name: string) => page.screenshot({ path: new URL(`${name}.png`, SHOTS).pathname, fullPage: true });

  async function signIn(page: Page, key: string) {
    await page.goto(`${stack.apiUrl}/dashboard/sign-in`);
    await page.getByLabel('API key').fill(key);
    await page.locator('form:has(#api_key) button[type=submit]').click();
  }

  it('does what a user does: messages, domains, keys, webhooks, suppressions, sign-out; scopes and CSRF hold; a message’s script never runs', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    const requested: string[] = [];
    // requests that got an answer (one CSP blocks is reported as failed, never finished)
    page.on('requestfinished', (request) => requested.push(request.url()));

    await page.goto(`${stack.apiUrl}/dashboard/sign-in`);
    await shot(page, 'sign-in');
    await signIn(page, stack.apiKey);
    await expect.poll(() => page.url()).toBe(`${stack.apiUrl}/dashboard`);
    await page.getByRole('heading', { name: 'Last 7 days' }).waitFor();

    // a message through the API, with a script in its HTML, becomes delivered on the messages page
    const sent = await stack.send({
      from: `hello@${stack.senderDomain}`,
      to: `ann@${stack.recipientDomain}`,
      subject: 'Welcome to Herald',
      text: 'Hello Ann',
      html: `<h1>Hello Ann</h1><p>Welcome.</p><script>window.parent.ran = true; window.ran = true; fetch('${receiverUrl()}/script-ran');</script><img src="${receiverUrl()}/image-loaded">`,
      tags: ['welcome'],
    });
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    await page.goto(`${stack.apiUrl}/dashboard/messages`);
    const row = page.locator('tr', { hasText: 'Welcome to Herald' });
    await waitFor('the message to show as delivered', async () => {
      await page.reload();
      return (await row.locator('td[data-label=Status]').textContent())?.includes('delivered');
    }, 30_000, 500);
    await shot(page, 'overview-messages');

    // its page: the timeline with the MX host and SMTP reply; the preview runs nothing
    await row.getByRole('link', { name: 'Welcome to Herald' }).click();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await expect.poll(() => page.locator('.timeline').textContent()).toContain('MX host');
    expect(await page.locator('.timeline').textContent()).toContain('250');
    // the selector of the sending domain's active key that signed the attempt
    const domains = (await (await fetch(`${stack.apiUrl}/v1/domains`, { headers: { authorization: `Bearer ${stack.apiKey}` } })).json()) as {
      data: { name: string; dkim_keys: { selector: string; status: string }[] }[];
    };
    const activeSelector = domains.data.find((d) => d.name === stack.senderDomain)?.dkim_keys.find((k) => k.status === 'active')?.selector;
    expect(activeSelector).toBeTruthy();
    expect(await page.locator('.timeline li', { hasText: 'delivered' }).textContent()).toMatch(new RegExp(`DKIM: selector ${activeSelector} for ${stack.senderDomain.replaceAll('.', '\\.')}`));
    const preview = page.frameLocator('iframe.preview');
    await preview.getByRole('heading', { name: 'Hello Ann' }).waitFor();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (globalThis as unknown as { ran?: boolean }).ran)).toBeUndefined();
    expect(hits.filter((h) => h.includes('script-ran') || h.includes('image-loaded'))).toEqual([]);
    expect(requested.filter((u) => u.includes('script-ran') || u.includes('image-loaded'))).toEqual([]);
    await shot(page, 'message');
    await page.getByRole('link', { name: 'Raw source' }).click();
    expect(await page.locator('pre.raw').textContent()).toContain('Subject: Welcome to Herald');
    expect(page.url()).toContain(id);

    // a domain added and verified against the test DNS
    const domain = `added-${Date.now().toString(36)}.example`;
    await page.goto(`${stack.apiUrl}/dashboard/domains`);
    await page.getByLabel('Add a sending domain').fill(domain);
    await page.getByRole('button', { name: 'Add domain' }).click();
    const card = page.locator('section.card', { has: page.getByRole('heading', { name: domain }) });
    const dkimRow = card.locator('tr', { hasText: 'dkim (TXT)' }).first();
    const host = await dkimRow.locator('td[data-label=Host] button').getAttribute('data-copy');
    const value = await dkimRow.locator('td[data-label=Value] button').getAttribute('data-copy');
    stack.dns.set(host as string, [{ type: 'TXT', value: value as string }]);
    await card.getByRole('button', { name: /Verify now/ }).click();
    await expect.poll(() => card.locator('h2 .badge').textContent()).toBe('verified');
    await shot(page, 'domains');
    // deleted after its confirmation page
    await card.getByRole('link', { name: /Delete/ }).click();
    await page.getByRole('heading', { name: `Delete ${domain}` }).waitFor();
    await page.getByRole('button', { name: `Delete ${domain}` }).click();
    await page.getByText('The domain and its DKIM keys were deleted').waitFor();
    expect(await page.getByRole('heading', { name: domain }).count()).toBe(0);

    // a key created (shown once) with only messages:send: it gets 403 pages for management screens
    await page.goto(`${stack.apiUrl}/dashboard/api-keys`);
    await page.getByLabel('Name').fill('sender only');
    await page.getByRole('button', { name: 'Create key' }).click();
    const newKey = (await page.locator('[data-secret] code').textContent()) ?? '';
    expect(newKey).toMatch(/^hk_live_/);
    await shot(page, 'api-keys');
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage, newKey);
    const refused = await otherPage.goto(`${stack.apiUrl}/dashboard/domains`);
    expect(refused?.status()).toBe(403);
    expect(await otherPage.locator('main').textContent()).toContain('Not allowed');
    expect(await otherPage.locator('nav').count()).toBe(1);
    expect(await otherPage.getByRole('link', { name: 'Domains' }).count()).toBe(0);
    // revoked: its session ends
    await page.locator('tr', { hasText: 'sender only' }).getByRole('button', { name: /Revoke/ }).click();
    await page.locator('tr', { hasText: 'sender only' }).getByText('revoked').waitFor();
    await new Promise((r) => setTimeout(r, 1100));
    await otherPage.goto(`${stack.apiUrl}/dashboard/domains`);
    expect(otherPage.url()).toContain('/dashboard/sign-in');
    await other.close();

    // a webhook added, tested and replayed, reaching the receiver
    await page.goto(`${stack.apiUrl}/dashboard/webhooks`);
    await page.getByLabel('URL').fill(`${receiverUrl()}/hook`);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    expect(await page.locator('[data-secret] code').textContent()).toMatch(/^whsec_/);
    await page.getByRole('link', { name: `${receiverUrl()}/hook` }).click();
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await waitFor('the test event at the receiver', () => hits.filter((h) => h === '/hook').length >= 1, 20_000);
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByText('queued again').waitFor();
    await waitFor('the replayed delivery at the receiver', () => hits.filter((h) => h === '/hook').length >= 2, 20_000);
    await page.reload();
    await shot(page, 'webhooks');
    // edited: a new URL and events; then deleted
    const endpointUrl = page.url();
    await page.getByLabel('URL').fill(`${receiverUrl()}/hook-edited`);
    await page.getByRole('checkbox', { name: 'message.delivered' }).uncheck();
    await page.getByRole('button', { name: 'Save endpoint' }).click();
    await page.getByText('The endpoint was saved').waitFor();
    expect(await page.getByLabel('URL').inputValue()).toBe(`${receiverUrl()}/hook-edited`);
    expect(await page.getByRole('checkbox', { name: 'message.delivered' }).isChecked()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'message.bounced' }).isChecked()).toBe(true);
    await page.goto(`${stack.apiUrl}/dashboard/webhooks`);
    expect(await page.locator('tr', { hasText: `${receiverUrl()}/hook-edited` }).locator('td[data-label=Events]').textContent()).not.toContain('message.delivered');
    await page.goto(endpointUrl);
    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    await page.getByText('The endpoint was deleted').waitFor();
    expect(await page.getByRole('link', { name: `${receiverUrl()}/hook-edited` }).count()).toBe(0);

    // suppressions: add and remove
    await page.goto(`${stack.apiUrl}/dashboard/suppressions`);
    await page.getByLabel('Suppress an address').fill('blocked@example.org');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.locator('tr', { hasText: 'blocked@example.org' }).waitFor();
    await shot(page, 'suppressions');
    await page.locator('tr', { hasText: 'blocked@example.org' }).getByRole('button', { name: /Remove/ }).click();
    await page.getByText('removed from the suppression list').waitFor();
    expect(await page.locator('tr', { hasText: 'blocked@example.org' }).count()).toBe(0);

    // a form post without the CSRF token is refused, and changes nothing
    const forged = await page.evaluate(async () => {
      const res = await fetch('/dashboard/suppressions', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=forged%40example.org' });
      return res.status;
    });
    expect(forged).toBe(403);
    await page.goto(`${stack.apiUrl}/dashboard/suppressions?email=forged`);
    expect(await page.locator('tr', { hasText: 'forged@example.org' }).count()).toBe(0);

    // on a phone
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${stack.apiUrl}/dashboard/messages`);
    await shot(page, 'messages-phone');
    await page.setViewportSize({ width: 1280, height: 860 });

    // sign out: the session is gone
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out').waitFor();
    await page.goto(`${stack.apiUrl}/dashboard/messages`);
    expect(page.url()).toContain('/dashboard/sign-in');

    // the admin: choose the project, see the queues
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.locator('form:has(#admin_token) button[type=submit]').click();
    await page.locator('tr', { hasText: stack.projectId }).getByRole('button', { name: /Open/ }).click();
    await page.goto(`${stack.apiUrl}/dashboard/queues`);
    await page.getByRole('heading', { name: 'Delivery queues' }).waitFor();
    await shot(page, 'queues');
    await page.goto(`${stack.apiUrl}/dashboard`);
    await page.getByRole('heading', { name: 'Last 7 days' }).waitFor();
    await page.waitForTimeout(300);
    await shot(page, 'overview');
    await context.close();
  }, 240_000);
});
