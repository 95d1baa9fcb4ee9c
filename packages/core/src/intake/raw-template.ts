import type { ErrorDetail } from '../errors/registry.ts';
import { hasIdShape } from '../ids.ts';
import type { TemplateRef } from '../templates/resolve-template.ts';
import { TEMPLATE_RULES } from '../templates/template-rules.ts';
import type { Mailbox } from './address.ts';
import type { SendRequest } from './send-request.ts';

/**
 * A submitted message's X-Herald-Template (`tpl_…` or an alias, optionally `@<version>`) and
 * X-Herald-Template-Variables (a JSON object, UTF-8) as a template ref, or null without the first;
 * problems name the header.
 */
export function readTemplateHeaders(names: string[], variables: string[], problems: ErrorDetail[]): TemplateRef | null {
  if (names.length === 0) {
    if (variables.length > 0) problems.push({ field: 'header.x-herald-template-variables', message: 'is only read with X-Herald-Template' });
    return null;
  }
  const field = 'header.x-herald-template';
  if (names.length > 1 || variables.length > 1) {
    problems.push({ field, message: 'X-Herald-Template and X-Herald-Template-Variables may each appear once' });
    return null;
  }
  const value = names[0] as string;
  const at = value.lastIndexOf('@');
  const name = at >= 0 ? value.slice(0, at) : value;
  const versionText = at >= 0 ? value.slice(at + 1) : null;
  const version = versionText === null ? undefined : Number(versionText);
  if (versionText !== null && (!/^[1-9][0-9]{0,9}$/.test(versionText) || (version as number) > TEMPLATE_RULES.maxVersion)) {
    problems.push({ field, message: 'the version after @ must be a positive whole number' });
    return null;
  }
  const isId = hasIdShape('template', name);
  if (!isId && !TEMPLATE_RULES.alias.test(name)) {
    problems.push({ field, message: `must be a template id (tpl_…) or alias, optionally followed by @<version>; an alias ${TEMPLATE_RULES.aliasRule}` });
    return null;
  }
  let parsed: unknown = {};
  if (variables.length === 1) {
    try {
      parsed = JSON.parse(variables[0] as string);
    } catch {
      problems.push({ field: 'header.x-herald-template-variables', message: 'must be a JSON object' });
      return null;
    }
    // as over the API: nothing Postgres could not store (the subject is kept as text)
    if (JSON.stringify(parsed).includes('\\u0000')) {
      problems.push({ field: 'header.x-herald-template-variables', message: 'must not contain the NUL character (U+0000)' });
      return null;
    }
  }
  return { ...(isId ? { id: name } : { alias: name }), version, variables: parsed };
}

/**
 * The fields request a templated submission becomes: the template makes the subject and the body, so
 * the submitted Subject and body are not used; From, the envelope recipients (To and Cc as the
 * headers list them, with their display names; the others Bcc), Reply-To, tags, metadata and the schedule are kept.
 */
export function templatedRequest(
  parts: { from: Mailbox; recipients: { email: string; name?: string | undefined; kind: 'to' | 'cc' | 'bcc' }[]; replyTo: Mailbox[]; tags: string[]; metadata: Record<string, string>; unsubscribe?: boolean | undefined },
  template: TemplateRef,
): SendRequest {
  // To and Cc keep the display names their headers gave (Bcc has no header to give one)
  const of = (kind: 'to' | 'cc' | 'bcc') => parts.recipients.filter((r) => r.kind === kind).map((r) => (r.name ? { email: r.email, name: r.name } : { email: r.email }));
  return {
    from: parts.from,
    to: of('to'),
    cc: of('cc'),
    bcc: of('bcc'),
    replyTo: parts.replyTo,
    subject: '',
    headers: [],
    attachments: [],
    tags: parts.tags,
    metadata: parts.metadata,
    unsubscribe: parts.unsubscribe,
    template,
  };
}
