import { sourceOffsets } from './hbs-ast.ts';
import { parseTemplate } from './parse-template.ts';
import type { TemplateIssue } from './template-issue.ts';

/**
 * Puts a template's HTML into its layout, in place of {{{@content}}}, as one template: one render per
 * message, and the layout's <style> applies to the content when CSS is inlined. The placeholder is at
 * the layout's top level (checked), so the content renders with the variables as its context, as it
 * would alone; "~" on the placeholder trims the layout's whitespace beside it, as it would have.
 */
export function joinLayout(
  layout: string,
  layoutAst: hbs.AST.Program,
  placeholder: hbs.AST.MustacheStatement,
  content: string,
  contentAst: hbs.AST.Program,
): { ok: true; source: string; ast: hbs.AST.Program } | { ok: false; issue: TemplateIssue } {
  const offset = sourceOffsets(layout);
  let before = layout.slice(0, offset(placeholder.loc.start));
  let after = layout.slice(offset(placeholder.loc.end));
  if (placeholder.strip?.open) before = before.trimEnd();
  if (placeholder.strip?.close) after = after.trimStart();
  const source = before + content + after;

  const parsed = parseTemplate(source, 'layout');
  const expected = signatures(layoutAst).flatMap((s) => (s === PLACEHOLDER ? signatures(contentAst) : [s]));
  if (!parsed.ok || signatures(parsed.ast).join('\n') !== expected.join('\n')) {
    return {
      ok: false,
      issue: { field: 'layout', message: 'the layout and the template do not join at {{{@content}}}: a "{" or "\\" on either side of it changes how their tags read' },
    };
  }
  return { ok: true, source, ast: parsed.ast };
}

const PLACEHOLDER = 'MustacheStatement raw @content 0';

/** The statements of a template but its text, in order: what joining must keep. */
function signatures(program: hbs.AST.Program): string[] {
  const out: string[] = [];
  for (const statement of program.body) {
    if (statement.type === 'MustacheStatement') {
      const m = statement as hbs.AST.MustacheStatement;
      out.push(`${m.type} ${m.escaped ? 'escaped' : 'raw'} ${(m.path as hbs.AST.PathExpression).original ?? ''} ${m.params.length}`);
    } else if (statement.type === 'BlockStatement') {
      const b = statement as hbs.AST.BlockStatement;
      out.push(`block ${b.path.original} ${b.params.length}`, ...signatures(b.program), 'else', ...(b.inverse ? signatures(b.inverse) : []), 'end');
    } else if (statement.type !== 'ContentStatement') {
      out.push(statement.type);
    }
  }
  return out;
}
