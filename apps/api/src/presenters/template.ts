import type { TemplateVersionRow, TemplateWithVersion } from '@herald/core/templates';

export function presentTemplateVersion(v: TemplateVersionRow) {
  return {
    number: v.number,
    subject: v.subject,
    html: v.html,
    text: v.text,
    sample_variables: (v.sampleVariables ?? null) as Record<string, unknown> | null,
    created_at: v.createdAt.toISOString(),
  };
}

export function presentTemplate(t: TemplateWithVersion) {
  return {
    id: t.id,
    kind: t.kind as 'template' | 'layout',
    name: t.name,
    alias: t.alias,
    layout_id: t.layoutId,
    published_version: t.publishedVersion,
    latest_version: t.latestVersion,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
    version: presentTemplateVersion(t.version),
  };
}
