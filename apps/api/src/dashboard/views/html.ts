import escapeModule, { safe, type HtmlSafeString } from 'escape-html-template-tag';

type Tag = (parts: TemplateStringsArray, ...values: unknown[]) => HtmlSafeString;
// the package's types describe its CommonJS build (the tag under .default); its ES build's default is the tag itself
const escapeHtml = ((escapeModule as unknown as { default?: Tag }).default ?? escapeModule) as unknown as Tag;

/**
 * HTML from a tagged template (escape-html-template-tag): every interpolated value is escaped
 * (arrays element by element) unless it is itself Html, so nothing a message, a domain or a user
 * typed can become markup.
 */
export type Html = HtmlSafeString;
export const html: Tag = escapeHtml;
/** Markup known to be safe (Herald's own constant strings only). */
export const trusted = safe;
