import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTemplate, type TemplateWithVersion } from '@herald/core/templates';
import { countProjectRows, seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { addressesOf, parseDelivered } from '@herald/test/support/delivered-mail.ts';
import { uniqueName } from '@herald/test/support/env.ts';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { startSubmissionListener, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

describe('SMTP submission by template (X-Herald-Template)', () => {
  let listener: SubmissionListener;
  let project: TestProject;
  let stranger: TestProject;
  let template: TemplateWithVersion;
  let theirs: TemplateWithVersion;
  const alias = uniqueName('smtp-tpl');

  beforeAll(async () => {
    listener = await startSubmissionListener({});
    [project, stranger] = await Promise.all([seedProject(listener.db, 'smtp-tpl'), seedProject(listener.db, 'smtp-tpl-other')]);
    const content = { subject: 'Order {{order}} for {{name}}', html: '<p>Hi {{name}}, {{#each items}}<b>{{this}}</b>{{/each}}</p>', text: null, sampleVariables: null };
    template = await createTemplate(listener.db, project.id, { kind: 'template', name: 'Order', alias, layoutId: null, content });
    theirs = await createTemplate(listener.db, stranger.id, { kind: 'template', name: 'Theirs', alias: `${alias}-theirs`, layoutId: null, content });
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener.close());

  const queuedId = (text = '') => /^250 2\.0\.0 Ok: queued as (msg_\w+)$/.exec(text)?.[1] as string;
  const submit = async (headers: string, to = ['ann@one.example', 'bob@two.example']) => {
    const client = await authenticatedSession(listener.port, project.key);
    const data = `From: Shop <shop@${project.domain}>\r\nTo: Ann <ann@one.example>\r\nReply-To: help@${project.domain}\r\nSubject: ignored\r\n${headers}\r\nthis body is not used`;
    // the client writes one octet per character: the header's UTF-8 (RFC 6532) as octets
    return client.transaction(`shop@${project.domain}`, to, Buffer.from(data, 'utf8').toString('latin1'));
  };

  it('composes the message from the template and the variables header, keeping From, To, Reply-To and the envelope', async () => {
    const { final } = await submit(`X-Herald-Template: ${alias}\r\nX-Herald-Template-Variables: {"order":"#7","name":"Zoë","items":["tea","cake"]}\r\n`);
    expect(final?.code, final?.text).toBe(250);
    const id = queuedId(final?.text);
    const row = await listener.db.message.findUniqueOrThrow({ where: { id }, include: { recipients: true, content: true } });
    expect(row).toMatchObject({ subject: 'Order #7 for Zoë', templateId: template.id, templateVersion: 1, source: 'smtp' });
    expect(row.recipients.map((r) => [r.email, r.kind]).sort()).toEqual([['ann@one.example', 'to'], ['bob@two.example', 'bcc']]);
    const mail = await parseDelivered(Buffer.from(row.content?.raw as Uint8Array));
    expect(mail.subject).toBe('Order #7 for Zoë');
    expect(mail.html).toBe('<p>Hi Zoë, <b>tea</b><b>cake</b></p>');
    expect(mail.text).toContain('Hi Zoë, teacake');
    expect(mail.text).not.toContain('this body is not used');
    expect(addressesOf(mail.replyTo)).toEqual([{ address: `help@${project.domain}`, name: '' }]);
    // the display names of From and To are kept
    expect(addressesOf(mail.from)).toEqual([{ address: `shop@${project.domain}`, name: 'Shop' }]);
    expect(addressesOf(mail.to)).toEqual([{ address: 'ann@one.example', name: 'Ann' }]);
    expect(mail.headers.has('x-herald-template')).toBe(false);
    expect(mail.headers.has('bcc')).toBe(false);
  });

  it('keeps the display names of To and Cc, encoded words decoded, and refuses a name with a control character naming the header', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    const head = (to: string) =>
      `From: shop@${project.domain}\r\nTo: ${to}\r\nCc: "Cat, the second" <cat@two.example>\r\nX-Herald-Template: ${alias}\r\nX-Herald-Template-Variables: {"order":2,"name":"N","items":[]}\r\n\r\nbody`;
    const { final } = await client.transaction(`shop@${project.domain}`, ['zoe@one.example', 'cat@two.example'], head('=?UTF-8?B?Wm/Dqw==?= <zoe@one.example>'));
    expect(final?.code, final?.text).toBe(250);
    const row = await listener.db.message.findUniqueOrThrow({ where: { id: queuedId(final?.text) }, include: { content: true } });
    const mail = await parseDelivered(Buffer.from(row.content?.raw as Uint8Array));
    expect(addressesOf(mail.to)).toEqual([{ address: 'zoe@one.example', name: 'Zoë' }]);
    expect(addressesOf(mail.cc)).toEqual([{ address: 'cat@two.example', name: 'Cat, the second' }]);

    const before = await countProjectRows(listener.db, project.id);
    const bad = await client.transaction(`shop@${project.domain}`, ['zoe@one.example'], head('=?UTF-8?B?WmEHYg==?= <zoe@one.example>'));
    expect(bad.final?.code).toBe(554);
    expect(bad.final?.text).toContain('header.to');
    expect(await countProjectRows(listener.db, project.id)).toEqual(before);
  });

  it('takes the id with @version, and refuses with 554 5.6.0 a missing variable, bad JSON or another project\'s template, storing nothing', async () => {
    const pinned = await submit(`X-Herald-Template: ${template.id}@1\r\nX-Herald-Template-Variables: {"order":1,"name":"A","items":[]}\r\n`);
    expect(pinned.final?.code, pinned.final?.text).toBe(250);
    const before = await countProjectRows(listener.db, project.id);
    const missing = await submit(`X-Herald-Template: ${alias}\r\nX-Herald-Template-Variables: {"order":1}\r\n`);
    expect(missing.final?.text).toMatch(/^554 5\.6\.0 .*header\.template\.variables\.name/);
    const badJson = await submit(`X-Herald-Template: ${alias}\r\nX-Herald-Template-Variables: {order\r\n`);
    expect(badJson.final?.text).toMatch(/^554 5\.6\.0 .*header\.x-herald-template-variables/);
    const foreign = await submit(`X-Herald-Template: ${theirs.id}\r\nX-Herald-Template-Variables: {}\r\n`);
    expect(foreign.final?.text).toMatch(/^554 5\.6\.0 .*no template/);
    const badVersion = await submit(`X-Herald-Template: ${alias}@0\r\n`);
    expect(badVersion.final?.text).toMatch(/^554 5\.6\.0 .*header\.x-herald-template/);
    const lineBreak = await submit(`X-Herald-Template: ${alias}\r\nX-Herald-Template-Variables: {"order":1,"name":"x\\r\\nBcc: evil@example.org","items":[]}\r\n`);
    expect(lineBreak.final?.text).toMatch(/^554 5\.6\.0 /);
    // octets that are not UTF-8 (Latin-1 é) in the variables: refused, never read as something else
    const client = await authenticatedSession(listener.port, project.key);
    const latin1 = await client.transaction(`shop@${project.domain}`, ['ann@one.example'], `From: shop@${project.domain}\r\nTo: ann@one.example\r\nX-Herald-Template: ${alias}\r\nX-Herald-Template-Variables: {"order":1,"name":"\u00e9","items":[]}\r\n\r\nbody`);
    expect(latin1.final?.text).toMatch(/^554 5\.6\.0 header\.x-herald-template-variables: is not valid UTF-8/);
    expect(await countProjectRows(listener.db, project.id)).toEqual(before);
  });
});
