import type { Db } from '../db/client.ts';
import { templateEngine } from '../lazy-modules.ts';
import { withContent, type SendRequest } from './send-request.ts';

/**
 * Intake's template step: each message that names a template gets the subject, HTML and text its
 * template renders with its own variables, and records what it was rendered from; the others pass as
 * they are. Every front end's messages come through here (submit.ts), so a send by template is the
 * same over the API, its batches and SMTP. Refused whole, with every message's problems (see
 * renderTemplateRefs): field paths are the request's ('messages.3.template.variables.name').
 */
export async function applyTemplates(db: Db, projectId: string, messages: SendRequest[], fieldPrefix: (index: number) => string): Promise<SendRequest[]> {
  if (!messages.some((m) => m.template)) return messages;
  const { renderTemplateRefs } = await templateEngine();
  const rendered = await renderTemplateRefs(db, projectId, messages.map((m) => m.template), (i) => `${fieldPrefix(i)}template.`);
  return messages.map((message, i) => {
    const r = rendered[i];
    if (!r) return message;
    return withContent(message, { subject: r.subject, html: r.html, text: r.text, renderedFrom: { templateId: r.templateId, version: r.templateVersion, layout: r.layout } });
  });
}
