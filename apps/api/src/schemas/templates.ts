import { z } from 'zod';
import { TEMPLATE_RULES } from '@herald/core/templates';

const alias = z.string().regex(TEMPLATE_RULES.alias, TEMPLATE_RULES.aliasRule);
const name = z.string().min(1).max(TEMPLATE_RULES.maxNameLength);
const version = z.number().int().min(1).max(TEMPLATE_RULES.maxVersion);
const variables = z.record(z.string(), z.unknown());
const templateIdField = z.string().max(100).describe('Template id (tpl_…)');

const content = {
  subject: z.string().describe('A Handlebars template, one line (a layout has none)'),
  html: z.string().describe('A Handlebars template; at most 512 KB. A layout holds {{{@content}}} once, where the HTML of the templates that name it goes'),
  text: z.string().describe('A Handlebars template; without one, the text part is made from the HTML'),
  sample_variables: variables.describe('Variables for previews: what POST /v1/templates/{id}/render uses when given none'),
};

export const createTemplateBody = z
  .object({
    kind: z.enum(['template', 'layout']).default('template').describe('layout: wraps the HTML of the templates that name it'),
    name,
    alias: alias.optional().describe('Unique in the project; sends may name the template by it'),
    layout_id: templateIdField.optional().describe('A layout of the project (kind layout) that wraps this template\'s HTML'),
    subject: content.subject.optional(),
    html: content.html,
    text: content.text.optional(),
    sample_variables: content.sample_variables.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.kind === 'template' && body.subject === undefined) ctx.addIssue({ code: 'custom', path: ['subject'], message: 'a template needs a subject' });
  })
  .meta({ id: 'CreateTemplateRequest' });

export const updateTemplateBody = z
  .object({
    name: name.optional(),
    alias: alias.nullable().optional(),
    layout_id: templateIdField.nullable().optional(),
    subject: content.subject.optional(),
    html: content.html.optional(),
    text: content.text.nullable().optional(),
    sample_variables: content.sample_variables.nullable().optional(),
    publish: z.boolean().optional().describe('Whether the new version made by subject, html, text or sample_variables is published (default true); false keeps it as a draft'),
    published_version: version.optional().describe('Publishes this existing version (not with new content)'),
  })
  .strict()
  .meta({ id: 'UpdateTemplateRequest' });

export const templateIdParams = z.object({ id: z.string().describe('Template id (tpl_…)') });

export const listTemplatesQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(200).optional() }).strict();

export const templateVersionView = z
  .object({
    number: z.number().int(),
    subject: z.string(),
    html: z.string(),
    text: z.string().nullable(),
    sample_variables: variables.nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'TemplateVersion' });

export const templateView = z
  .object({
    id: z.string(),
    kind: z.enum(['template', 'layout']),
    name: z.string(),
    alias: z.string().nullable(),
    layout_id: z.string().nullable(),
    published_version: z.number().int(),
    latest_version: z.number().int(),
    created_at: z.string(),
    updated_at: z.string(),
    version: templateVersionView.describe('The published version'),
  })
  .meta({ id: 'Template' });

export const templateList = z.object({ data: z.array(templateView), next_cursor: z.string().nullable() }).meta({ id: 'TemplateList' });
export const templateVersionList = z.object({ data: z.array(templateVersionView), next_cursor: z.string().nullable() }).meta({ id: 'TemplateVersionList' });

export const renderTemplateBody = z
  .object({
    version: version.optional().describe('Default: the published version'),
    variables: variables.optional().describe("Default: the version's sample_variables"),
    allow_missing: z.boolean().optional().describe('Print missing variables as nothing instead of answering 400'),
  })
  .strict()
  .meta({ id: 'RenderTemplateRequest' });

export const renderedTemplate = z
  .object({ template_id: z.string(), version: z.number().int(), subject: z.string(), html: z.string().describe('CSS inlined'), text: z.string() })
  .meta({ id: 'RenderedTemplate' });

/** A send's template, in POST /v1/messages and each batch item: instead of subject, text and html. */
export const sendTemplate = z
  .object({
    id: templateIdField.optional(),
    alias: alias.optional(),
    version: version.optional().describe('Default: the published version'),
    variables: variables.default({}).describe('This message\'s variables (at most 64 KB as JSON, 10 deep)'),
    allow_missing: z.boolean().optional().describe('Print missing variables as nothing instead of refusing the message'),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.id === undefined) === (t.alias === undefined)) ctx.addIssue({ code: 'custom', path: ['id'], message: 'give exactly one of id and alias' });
  })
  .meta({ id: 'SendTemplate' });
