import Handlebars from 'handlebars';
import { issueAt, type TemplateField, type TemplateIssue } from './template-issue.ts';

export type ParseResult = { ok: true; ast: hbs.AST.Program } | { ok: false; issue: TemplateIssue };

interface JisonLexer {
  yylloc?: { first_line: number; first_column: number };
  match?: string;
}

/**
 * The lexer Handlebars.parse just used (one per process, and parse is synchronous): its position is the
 * real column of a syntax error, which the error's own text does not give (its pointer is drawn under
 * the last 20 characters of input with the line breaks removed).
 */
const lexer = (Handlebars as unknown as { Parser: { lexer: JisonLexer } }).Parser.lexer;

/** What the parser's "got 'TOKEN'" means, in words. */
function unexpected(message: string): string {
  const got = /got '([A-Z_]+)'/.exec(message)?.[1];
  if (got === 'EOF') return 'the template ends inside an expression or an unclosed block';
  if (got === 'INVALID') return 'unexpected character in an expression';
  const text = lexer.match?.trim();
  return text ? `unexpected "${text}"` : 'syntax error';
}

/**
 * Parses one field of a template. A syntax error is a value naming the field, line and column
 * (from 1): Handlebars reports parse errors with a message ("Parse error on line 2: …") and
 * structural ones ("if doesn't match each") as an Exception with a line number and column.
 */
export function parseTemplate(source: string, field: TemplateField): ParseResult {
  try {
    return { ok: true, ast: Handlebars.parse(source) };
  } catch (err) {
    return { ok: false, issue: syntaxIssue(err, field) };
  }
}

function syntaxIssue(err: unknown, field: TemplateField): TemplateIssue {
  if (err instanceof RangeError) return { field, message: 'the template is nested too deeply to be read' };
  const message = err instanceof Error ? err.message : String(err);
  const exception = err as { lineNumber?: number; column?: number };
  if (typeof exception.lineNumber === 'number' && typeof exception.column === 'number') {
    // Handlebars' own Exception: "if doesn't match each - 2:5"
    return issueAt(field, { line: exception.lineNumber, column: exception.column }, message.replace(/ - \d+:\d+$/, ''));
  }
  const at = lexer.yylloc;
  const line = at?.first_line ?? Number(/on line (\d+)/.exec(message)?.[1] ?? 1);
  const column = at?.first_column ?? 0;
  const lexical = message.startsWith('Lexical error');
  return issueAt(field, { line, column }, lexical ? 'unrecognised text (an unclosed comment or expression?)' : unexpected(message));
}
