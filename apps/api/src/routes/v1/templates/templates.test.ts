import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { parseDelivered } from '@herald/test/support/delivered-mail.ts';
import { createScopedKey } from '@herald/test/support/scoped-key.ts';

interface Version {
  number: number;
  subject: string;
  html: string;
  text: string | null;
  sample_variables: Record<string, unknown> | null;
}
interface Template {
  id: string;
  kind: string;
  alias: string | null;
  layout_id: string | null;
  published_version: number;
  latest_version: number;
  version: Version;
}
interface ErrorBody {
  error: { code: string; message: string; details: { field: string; message: string; line?: number; column?: number }[] };
}

describe('templates', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  beforeAll(async () => {
    api = await buildTestApi();
    [project, other] = await Promise.all([seedProject(api.db, 'templates'), seedProject(api.db, 'templates-other')]);
  });
  afterAll(() => api.close());

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, auth = project.auth) =>
    api.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
  let aliasCount = 0;
  const uniqueAlias = (label: string) => `${label}-${Date.now().toString(36)}-${aliasCount++}`;
  const create = async (payload: object, auth = project.auth): Promise<Template> => {
    const response = await call('POST', '/v1/templates', payload, auth);
    expect(response.statusCode, response.body).toBe(201);
    return response.json<Template>();
  };
  const welcome = () => ({
    name: 'Welcome',
    alias: uniqueAlias('welcome'),
    subject: 'Welcome, {{name}}!',
    html: '<style>p { color: #333333; }</style><h1>Hello {{name}}</h1><p>Your plan: <a href="{{url}}">{{plan}}</a></p>',
    sample_variables: { name: 'Sample', url: 'https://example.com/plan', plan: 'Pro' },
  });
  const rawOf = async (id: string) => {
    const raw = await call('GET', `/v1/messages/${id}/raw`);
    expect(raw.statusCode).toBe(200);
    return parseDelivered(raw.rawPayload);
  };
  const sendWith = (template: object, extra: object = {}, auth = project.auth) =>
    call('POST', '/v1/messages', { from: `hello@${project.domain}`, to: 'reader@one.example', template, ...extra }, auth);

  it('stores a template as version 1, published, and reads it back', async () => {
    const created = await create(welcome());
    expect(created).toMatchObject({ kind: 'template', published_version: 1, latest_version: 1, version: { number: 1, subject: 'Welcome, {{name}}!', text: null } });
    expect(created.id).toMatch(/^tpl_[0-9A-Z]{26}$/);
    const read = await call('GET', `/v1/templates/${created.id}`);
    expect(read.json()).toEqual(created);
  });

  it('refuses a syntax error with the field, line and column, and stores nothing', async () => {
    const before = await api.db.template.count({ where: { projectId: project.id } });
    const response = await call('POST', '/v1/templates', { ...welcome(), html: '<p>ok</p>\n<p>{{#if x}}open</p>' });
    expect(response.statusCode).toBe(400);
    const { error } = response.json<ErrorBody>();
    expect(error.code).toBe('validation_failed');
    expect(error.details[0]).toMatchObject({ field: 'html', line: expect.any(Number) as number, column: expect.any(Number) as number });
    expect(await api.db.template.count({ where: { projectId: project.id } })).toBe(before);
  });

  it('refuses a field over 512 KB, a subject that breaks the line, and a helper that is not one of the fixed set', async () => {
    const big = await call('POST', '/v1/templates', { ...welcome(), html: `<p>${'x'.repeat(512 * 1024)}</p>` });
    expect(big.statusCode).toBe(400);
    expect(big.json<ErrorBody>().error.details[0]).toMatchObject({ field: 'html', message: expect.stringMatching(/512 KB/) as string });
    const twoLines = await call('POST', '/v1/templates', { ...welcome(), subject: 'Hi\nBcc: x@evil.example' });
    expect(twoLines.statusCode).toBe(400);
    expect(twoLines.json<ErrorBody>().error.details[0]?.field).toBe('subject');
    const helper = await call('POST', '/v1/templates', { ...welcome(), html: '{{lookup this "constructor"}}' });
    expect(helper.statusCode).toBe(400);
    const proto = await call('POST', '/v1/templates', { ...welcome(), html: '{{name.__proto__}}{{constructor.prototype}}' });
    expect(proto.statusCode).toBe(400);
  });

  it('refuses an alias used by another template of the project with 409, but not one used by another project', async () => {
    const spec = welcome();
    await create(spec);
    const again = await call('POST', '/v1/templates', spec);
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorBody>().error.details[0]?.field).toBe('alias');
    await create(spec, other.auth);
  });

  it('makes every change a new version, keeps drafts unpublished until asked, and lists versions newest first', async () => {
    const t = await create(welcome());
    const v2 = await call('PATCH', `/v1/templates/${t.id}`, { subject: 'Second: {{name}}' });
    expect(v2.json()).toMatchObject({ published_version: 2, latest_version: 2, version: { number: 2, subject: 'Second: {{name}}', html: t.version.html } });
    const draft = await call('PATCH', `/v1/templates/${t.id}`, { html: '<p>draft {{name}}</p>', publish: false });
    expect(draft.json()).toMatchObject({ published_version: 2, latest_version: 3, version: { number: 2 } });
    const renamed = await call('PATCH', `/v1/templates/${t.id}`, { name: 'Renamed' });
    expect(renamed.json()).toMatchObject({ published_version: 2, latest_version: 3 });
    const back = await call('PATCH', `/v1/templates/${t.id}`, { published_version: 1 });
    expect(back.json()).toMatchObject({ published_version: 1, version: { number: 1, subject: 'Welcome, {{name}}!' } });
    expect((await call('PATCH', `/v1/templates/${t.id}`, { published_version: 9 })).statusCode).toBe(400);

    const page1 = await call('GET', `/v1/templates/${t.id}/versions?limit=2`);
    const first = page1.json<{ data: Version[]; next_cursor: string }>();
    expect(first.data.map((v) => v.number)).toEqual([3, 2]);
    const page2 = await call('GET', `/v1/templates/${t.id}/versions?limit=2&cursor=${first.next_cursor}`);
    expect(page2.json()).toMatchObject({ data: [{ number: 1 }], next_cursor: null });
  });

  it('numbers concurrent changes one after another, and refuses renaming to an alias another template has', async () => {
    const t = await create(welcome());
    const taken = await create(welcome());
    const changes = await Promise.all([1, 2, 3, 4, 5].map((n) => call('PATCH', `/v1/templates/${t.id}`, { subject: `Change ${n} {{name}}` })));
    expect(changes.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(changes.map((r) => r.json<Template>().version.number).sort()).toEqual([2, 3, 4, 5, 6]);
    const versions = await call('GET', `/v1/templates/${t.id}/versions`);
    expect(versions.json<{ data: Version[] }>().data.map((v) => v.number)).toEqual([6, 5, 4, 3, 2, 1]);
    const clash = await call('PATCH', `/v1/templates/${t.id}`, { alias: taken.alias, subject: 'not stored' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json<ErrorBody>().error.details[0]?.field).toBe('alias');
    expect((await call('GET', `/v1/templates/${t.id}`)).json()).toMatchObject({ latest_version: 6, alias: t.alias });
  });

  it('refuses variables that try to reach a prototype', async () => {
    const t = await create(welcome());
    // the body as sent, key for key (a JSON object literal could not carry "__proto__" as a key)
    const renderRaw = (payload: string) => api.app.inject({ method: 'POST', url: `/v1/templates/${t.id}/render`, headers: { ...project.auth, 'content-type': 'application/json' }, payload });
    const proto = await renderRaw('{"variables":{"name":"a","url":"u","plan":"p","__proto__":{"polluted":true}}}');
    expect(proto.statusCode).toBe(400);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const prototype = await renderRaw('{"variables":{"name":"a","url":"u","plan":"p","constructor":{"prototype":{"polluted":true}}}}');
    expect(prototype.statusCode).toBe(400);
    const constructor = await call('POST', `/v1/templates/${t.id}/render`, { variables: { name: { constructor: 'x' }, url: 'u', plan: 'p' } });
    expect(constructor.statusCode).toBe(200);
    expect(constructor.json<{ subject: string }>().subject).toBe('Welcome, [object Object]!');
  });

  it('lists the project\'s templates newest first with a cursor, never another project\'s', async () => {
    const mine = await create(welcome());
    const theirs = await create(welcome(), other.auth);
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await call('GET', `/v1/templates?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.statusCode).toBe(200);
      const body = page.json<{ data: Template[]; next_cursor: string | null }>();
      seen.push(...body.data.map((t) => t.id));
      cursor = body.next_cursor;
    }
    expect(seen[0]).toBe(mine.id);
    expect(seen).not.toContain(theirs.id);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('renders without sending: sample variables by default, CSS inlined, the text part made from the HTML', async () => {
    const t = await create(welcome());
    const before = await countProjectRows(api.db, project.id);
    const sample = await call('POST', `/v1/templates/${t.id}/render`, {});
    expect(sample.statusCode).toBe(200);
    const body = sample.json<{ subject: string; html: string; text: string; version: number }>();
    expect(body.subject).toBe('Welcome, Sample!');
    expect(body.html).toContain('<p style="color: #333333;">');
    expect(body.text).toContain('Pro [https://example.com/plan]');
    const escaped = await call('POST', `/v1/templates/${t.id}/render`, { variables: { name: '<script>x</script>', url: 'https://e.example', plan: 'P' } });
    expect(escaped.json<{ html: string }>().html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });

  it('names every missing variable, unless the render allows them empty', async () => {
    const t = await create(welcome());
    const missing = await call('POST', `/v1/templates/${t.id}/render`, { variables: { name: 'Ann' } });
    expect(missing.statusCode).toBe(400);
    const fields = missing.json<ErrorBody>().error.details.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['variables.url', 'variables.plan']));
    const allowed = await call('POST', `/v1/templates/${t.id}/render`, { variables: { name: 'Ann' }, allow_missing: true });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json<{ subject: string }>().subject).toBe('Welcome, Ann!');
  });

  it('refuses a variable that would print a line break into the subject', async () => {
    const t = await create(welcome());
    const response = await call('POST', `/v1/templates/${t.id}/render`, { variables: { name: 'x\r\nBcc: victim@example.org', url: 'u', plan: 'p' } });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().error.details[0]?.field).toMatch(/^(variables\.name|subject)$/);
    const sent = await sendWith({ id: t.id, variables: { name: 'x\nBcc: victim@example.org', url: 'u', plan: 'p' } });
    expect(sent.statusCode).toBe(400);
    expect(sent.json<ErrorBody>().error.details[0]?.field).toMatch(/^template\.(variables\.name|subject)$/);
  });

  it('wraps a template in its layout, and refuses to delete a layout in use', async () => {
    const layout = await create({ kind: 'layout', name: 'Frame', html: '<div class="frame">{{{@content}}}<footer>{{company}}</footer></div>' });
    expect(layout.kind).toBe('layout');
    const noPlaceholder = await call('POST', '/v1/templates', { kind: 'layout', name: 'Bad', html: '<div></div>' });
    expect(noPlaceholder.statusCode).toBe(400);
    expect(noPlaceholder.json<ErrorBody>().error.details[0]?.field).toBe('html');
    const t = await create({ name: 'In frame', subject: 'Hi', html: '<p>{{greeting}}</p>', layout_id: layout.id });
    const rendered = await call('POST', `/v1/templates/${t.id}/render`, { variables: { greeting: 'hello', company: 'ACME' } });
    expect(rendered.json<{ html: string }>().html).toBe('<div class="frame"><p>hello</p><footer>ACME</footer></div>');
    expect((await call('POST', `/v1/templates/${layout.id}/render`, {})).statusCode).toBe(400);
    expect((await call('DELETE', `/v1/templates/${layout.id}`)).statusCode).toBe(409);
    // a message records the layout version it was wrapped in; a new layout version changes later messages only
    const framed = (await sendWith({ id: t.id, variables: { greeting: 'one', company: 'ACME' } })).json<{ id: string }>().id;
    await call('PATCH', `/v1/templates/${layout.id}`, { html: '<section>{{{@content}}}</section>' });
    const reframed = (await sendWith({ id: t.id, variables: { greeting: 'two', company: 'ACME' } })).json<{ id: string }>().id;
    expect((await call('GET', `/v1/messages/${framed}`)).json()).toMatchObject({ template: { id: t.id, version: 1, layout: { id: layout.id, version: 1 } } });
    expect((await call('GET', `/v1/messages/${reframed}`)).json()).toMatchObject({ template: { id: t.id, version: 1, layout: { id: layout.id, version: 2 } } });
    expect((await rawOf(framed)).html).toContain('<div class="frame"><p>one</p>');
    expect((await rawOf(reframed)).html).toContain('<section><p>two</p></section>');
    const otherLayout = await create({ kind: 'layout', name: 'Theirs', html: '{{{@content}}}' }, other.auth);
    const foreign = await call('PATCH', `/v1/templates/${t.id}`, { layout_id: otherLayout.id });
    expect(foreign.statusCode).toBe(404);
    expect((await call('DELETE', `/v1/templates/${t.id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/v1/templates/${layout.id}`)).statusCode).toBe(204);
  });

  it('sends by id or alias: the message carries the rendered subject, HTML and text, and names its template version', async () => {
    const spec = welcome();
    const t = await create({ ...spec, text: 'Hello {{name}}, plan {{plan}}' });
    const byAlias = await sendWith({ alias: spec.alias, variables: { name: 'Zoë', url: 'https://example.com/z', plan: 'Team' } });
    expect(byAlias.statusCode, byAlias.body).toBe(202);
    const id = byAlias.json<{ id: string }>().id;
    const mail = await rawOf(id);
    expect(mail.subject).toBe('Welcome, Zoë!');
    expect(mail.html).toContain('<h1>Hello Zoë</h1>');
    expect(mail.text?.trim()).toBe('Hello Zoë, plan Team');
    const message = await call('GET', `/v1/messages/${id}`);
    expect(message.json()).toMatchObject({ subject: 'Welcome, Zoë!', template: { id: t.id, version: 1 } });
    const byId = await sendWith({ id: t.id, variables: { name: 'A', url: 'u', plan: 'p' } });
    expect(byId.statusCode).toBe(202);
    const plain = await call('POST', '/v1/messages', { from: `hello@${project.domain}`, to: 'reader@one.example', subject: 's', text: 't' });
    expect((await call('GET', `/v1/messages/${plain.json<{ id: string }>().id}`)).json()).toMatchObject({ template: null });
  });

  it("encodes a template's own non-ASCII text even when the request that names it is plain ASCII", async () => {
    // the request's body is plain (FastifyRequest.plainTextBody), the rendered content is not: it must still be scanned
    const spec = { ...welcome(), html: '<p>Hello {{name}}, 5 × {{plan}} for 12 €</p>', text: 'Hello {{name}}: 5 × {{plan}}, 12 €' };
    await create(spec);
    const sent = await sendWith({ alias: spec.alias, variables: { name: 'Kim', url: 'u', plan: 'Pro' } });
    expect(sent.statusCode, sent.body).toBe(202);
    const id = sent.json<{ id: string }>().id;
    const raw = (await call('GET', `/v1/messages/${id}/raw`)).rawPayload;
    expect([...raw].every((octet) => octet < 0x80)).toBe(true);
    const mail = await rawOf(id);
    expect(mail.html).toContain('<p>Hello Kim, 5 × Pro for 12 €</p>');
    expect(mail.text?.trim()).toBe('Hello Kim: 5 × Pro, 12 €');
  });

  it('keeps a message already accepted as it was when a new version is published, and sends a named version', async () => {
    const t = await create(welcome());
    const vars = { name: 'Kim', url: 'https://example.com', plan: 'Pro' };
    const first = (await sendWith({ id: t.id, variables: vars })).json<{ id: string }>().id;
    await call('PATCH', `/v1/templates/${t.id}`, { subject: 'Changed {{name}}', html: '<p>changed</p>' });
    const second = (await sendWith({ id: t.id, variables: vars })).json<{ id: string }>().id;
    const pinned = (await sendWith({ id: t.id, version: 1, variables: vars })).json<{ id: string }>().id;
    expect((await rawOf(first)).subject).toBe('Welcome, Kim!');
    expect((await rawOf(first)).html).toContain('Hello Kim');
    expect((await rawOf(second)).subject).toBe('Changed Kim');
    expect((await rawOf(pinned)).subject).toBe('Welcome, Kim!');
    expect((await call('GET', `/v1/messages/${first}`)).json()).toMatchObject({ template: { id: t.id, version: 1, layout: null } });
    expect((await call('GET', `/v1/messages/${second}`)).json()).toMatchObject({ template: { id: t.id, version: 2, layout: null } });
    // deleting the template leaves the messages and what they name
    expect((await call('DELETE', `/v1/templates/${t.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/v1/messages/${first}`)).json()).toMatchObject({ template: { id: t.id, version: 1 } });
  });

  it('refuses subject, text or html given with a template, naming the field, and a template named both ways', async () => {
    const t = await create(welcome());
    const both = await sendWith({ id: t.id, variables: {} }, { subject: 'mine' });
    expect(both.statusCode).toBe(400);
    expect(both.json<ErrorBody>().error.details.map((d) => d.field)).toContain('subject');
    const twice = await sendWith({ id: t.id, alias: 'x', variables: {} });
    expect(twice.statusCode).toBe(400);
    const neither = await call('POST', '/v1/messages', { from: `hello@${project.domain}`, to: 'reader@one.example', text: 'no subject' });
    expect(neither.statusCode).toBe(400);
  });

  it('sends a batch with each message\'s own variables, refusing the whole batch when one cannot be rendered', async () => {
    const t = await create({ name: 'Receipt', subject: 'Order {{order}}', html: '<ul>{{#each items}}<li>{{this}}</li>{{/each}}</ul>' });
    const item = (i: number) => ({ from: `shop@${project.domain}`, to: `buyer${i}@one.example`, template: { id: t.id, variables: { order: `#${i}`, items: [`a${i}`, `b${i}`] } } });
    const before = await countProjectRows(api.db, project.id);
    const bad = await call('POST', '/v1/messages/batch', { messages: [item(0), { ...item(1), template: { id: t.id, variables: { order: 1 } } }, item(2)] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<ErrorBody>().error.details.map((d) => d.field)).toEqual(['messages.1.template.variables.items']);
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
    const good = await call('POST', '/v1/messages/batch', { messages: [0, 1, 2].map(item) });
    expect(good.statusCode).toBe(202);
    const ids = good.json<{ data: { id: string }[] }>().data.map((m) => m.id);
    for (const [i, id] of ids.entries()) {
      const mail = await rawOf(id);
      expect(mail.subject).toBe(`Order #${i}`);
      expect(mail.html).toBe(`<ul><li>a${i}</li><li>b${i}</li></ul>`);
    }
  });

  it('needs the templates:manage scope to manage templates, and messages:send only to send with one', async () => {
    const t = await create(welcome());
    const sender = await createScopedKey(api.db, project.id, ['messages:send']);
    for (const [method, url, payload] of [
      ['GET', '/v1/templates'],
      ['POST', '/v1/templates', welcome()],
      ['GET', `/v1/templates/${t.id}`],
      ['PATCH', `/v1/templates/${t.id}`, { name: 'x' }],
      ['DELETE', `/v1/templates/${t.id}`],
      ['GET', `/v1/templates/${t.id}/versions`],
      ['POST', `/v1/templates/${t.id}/render`, {}],
    ] as const) {
      const response = await call(method, url, payload, sender);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
      expect(response.json<ErrorBody>().error.code).toBe('insufficient_scope');
    }
    expect((await sendWith({ id: t.id, variables: { name: 'n', url: 'u', plan: 'p' } }, {}, sender)).statusCode).toBe(202);
  });

  it("answers 404 for another project's template everywhere, and changes nothing of it", async () => {
    const theirs = await create(welcome(), other.auth);
    for (const [method, url, payload] of [
      ['GET', `/v1/templates/${theirs.id}`],
      ['PATCH', `/v1/templates/${theirs.id}`, { subject: 'stolen' }],
      ['DELETE', `/v1/templates/${theirs.id}`],
      ['GET', `/v1/templates/${theirs.id}/versions`],
      ['POST', `/v1/templates/${theirs.id}/render`, {}],
      ['GET', '/v1/templates/tpl_not-an-id'],
    ] as const) {
      expect((await call(method, url, payload)).statusCode, `${method} ${url}`).toBe(404);
    }
    const byId = await sendWith({ id: theirs.id, variables: {} });
    expect(byId.statusCode).toBe(404);
    expect(byId.json<ErrorBody>().error.details[0]?.field).toBe('template.id');
    const byAlias = await sendWith({ alias: theirs.alias, variables: {} });
    expect(byAlias.statusCode).toBe(404);
    const unchanged = await call('GET', `/v1/templates/${theirs.id}`, undefined, other.auth);
    expect(unchanged.json()).toMatchObject({ latest_version: 1, version: { subject: 'Welcome, {{name}}!' } });
  });
});
