import { compile, type DomNode, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';

/**
 * How Herald turns an email's HTML into its text part (html-to-text), chosen for what reads well in a
 * mail client's plain-text view:
 * - no hard wrapping: clients wrap to their window, and lines broken at 78 look ragged on a phone
 *   (lines over 998 octets are quoted-printable encoded by the composer, so nothing breaks);
 * - links as `text [url]`, the url left out when it is the text (`mailto:` dropped first);
 * - headings on their own paragraph, in their own case (upper-casing shouts, and would change the
 *   template's words but not the variables' when the text is made once at compile time);
 * - lists as `- item` (numbered lists `1. item`), nested ones indented;
 * - images by their alt text only (a logo's address is noise), or nothing;
 * - layout tables as what they hold: a row per line, cells separated by a space;
 * - what the reader does not see is left out: <head>, <style>, <script>, hidden elements (the
 *   "preheader" most templates carry: display:none, after CSS inlining).
 */
export interface ConverterMetadata {
  /** Compares a link's address with its text as the reader will see them (at compile time: with expressions restored). */
  readable?: (text: string) => string;
}

/** An attribute of an element (html-to-text's types leave the attributes as any). */
const attribute = (node: DomNode, name: string): string | undefined => (node.attribs as Record<string, string> | undefined)?.[name];

const anchor: FormatCallback = (elem, walk, builder) => {
  const raw = attribute(elem, 'href') ?? '';
  const href = raw.replace(/^mailto:/i, '');
  if (!href || href.startsWith('#')) return walk(elem.children, builder);
  let text = '';
  builder.pushWordTransform((word) => {
    text += word;
    return word;
  });
  walk(elem.children, builder);
  builder.popWordTransform();
  const readable = (builder as unknown as { metadata?: ConverterMetadata }).metadata?.readable ?? ((s: string) => s);
  if (readable(text) === readable(href)) return;
  builder.addInline(text ? ` [${href}]` : href, { noWordTransform: true });
};

const image: FormatCallback = (elem, _walk, builder) => {
  const alt = attribute(elem, 'alt')?.trim();
  if (alt) builder.addInline(alt, { noWordTransform: true });
};

const cell: FormatCallback = (elem, walk, builder) => {
  walk(elem.children, builder);
  builder.addInline(' ');
};

const block = (lines: number) => ({ format: 'block', options: { leadingLineBreaks: lines, trailingLineBreaks: lines } });
const skip = { format: 'skip' };

export const HTML_TO_TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  baseElements: { selectors: ['body'], returnDomByDefault: true },
  formatters: { heraldAnchor: anchor, heraldImage: image, heraldCell: cell },
  selectors: [
    { selector: 'a', format: 'heraldAnchor' },
    { selector: 'img', format: 'heraldImage' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, format: 'heading', options: { uppercase: false, leadingLineBreaks: 2, trailingLineBreaks: 2 } })),
    { selector: 'ul', format: 'unorderedList', options: { itemPrefix: '- ', leadingLineBreaks: 2, trailingLineBreaks: 2 } },
    { selector: 'table', ...block(2) },
    { selector: 'tbody', ...block(1) },
    { selector: 'thead', ...block(1) },
    { selector: 'tfoot', ...block(1) },
    { selector: 'tr', ...block(1) },
    { selector: 'td', format: 'heraldCell' },
    { selector: 'th', format: 'heraldCell' },
    { selector: 'head', ...skip },
    { selector: 'style', ...skip },
    { selector: 'script', ...skip },
    { selector: 'template', ...skip },
    { selector: '[hidden]', ...skip },
    { selector: '[style*="display:none"]', ...skip },
    { selector: '[style*="display: none"]', ...skip },
  ],
};

/** The converter, built once (building one costs more than converting a message). */
export const htmlToText: (html: string, metadata?: ConverterMetadata) => string = compile(HTML_TO_TEXT_OPTIONS);
