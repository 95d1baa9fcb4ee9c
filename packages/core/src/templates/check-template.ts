import { LINE_BREAK } from '../intake/message-rules.ts';
import { FORBIDDEN_NAMES } from './forbidden-names.ts';
import { contentOriginal } from './hbs-ast.ts';
import { BLOCK_HELPERS, HELPERS, isBlockHelper, isValueHelper } from './helpers.ts';
import { DYNAMIC, type HelperArg } from './intl-support.ts';
import { issueAt, type TemplateField, type TemplateIssue } from './template-issue.ts';
import { TEMPLATE_LIMITS } from './template-limits.ts';

type Node = hbs.AST.Node;

/** The data variables a template may read: those of #each, and @root. */
const DATA_NAMES = new Set(['index', 'key', 'first', 'last', 'root']);
/** Enough to fix a template by; a template with thousands of mistakes gets the first ones. */
const MAX_ISSUES = 50;

export interface CheckResult {
  issues: TemplateIssue[];
  /** In a layout: the {{{@content}}} statement, where the template's HTML goes. */
  placeholder?: hbs.AST.MustacheStatement;
}

/**
 * Checks a parsed field against what Herald's templates may do: print variables, test them (#if,
 * #unless), loop over them (#each), step into them (#with), and call Herald's helpers. Everything
 * else Handlebars can do is refused with the field, line and column: partials, decorators, sections
 * over a variable ({{#user}}), unknown helpers, literals in place of a variable, prototype names,
 * data variables other than @index, @key, @first, @last and @root. Literal helper arguments are
 * checked here too ({{formatDate d "fancy"}}). A layout must hold {{{@content}}} exactly once, at its
 * top level; nothing else may use @content. A subject's own text must be one line.
 */
export function checkTemplate(ast: hbs.AST.Program, field: TemplateField): CheckResult {
  const issues: TemplateIssue[] = [];
  const placeholders: hbs.AST.MustacheStatement[] = [];
  const report = (node: Node | undefined, message: string) => {
    if (issues.length < MAX_ISSUES) issues.push(issueAt(field, node?.loc?.start, message));
  };

  const checkPath = (path: hbs.AST.PathExpression) => {
    if (path.data) {
      const [first = ''] = path.parts;
      if (first === 'content') report(path, '@content is the place of the content in a layout: {{{@content}}}, once, outside any block');
      else if (!DATA_NAMES.has(first)) report(path, `@${first} is not a data variable a template can read (@index, @key, @first, @last, @root)`);
      else if (first !== 'root' && path.parts.length > 1) report(path, `@${first} has no properties`);
    }
    const forbidden = path.parts.find((part) => FORBIDDEN_NAMES.has(part));
    if (forbidden) report(path, `"${forbidden}" cannot be read by a template (it names a prototype member, not a variable)`);
  };

  const checkHelperCall = (node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, name: string) => {
    const spec = HELPERS[name];
    if (!spec) return;
    if (node.hash?.pairs.length) report(node.hash, `${name} takes no name=value options: ${spec.usage}`);
    if (node.params.length < spec.minArgs || node.params.length > spec.maxArgs) {
      report(node, `${name} takes ${spec.minArgs === spec.maxArgs ? spec.minArgs : `${spec.minArgs} to ${spec.maxArgs}`} arguments, not ${node.params.length}: ${spec.usage}`);
      return;
    }
    node.params.forEach(checkExpression);
    const problem = spec.problem(node.params.map(literalValue));
    if (problem) report(node.params[problem.arg] ?? node, `${name}: ${problem.message}`);
  };

  const checkExpression = (node: hbs.AST.Expression) => {
    if (node.type === 'PathExpression') checkPath(node as hbs.AST.PathExpression);
    else if (node.type === 'SubExpression') {
      const sub = node as hbs.AST.SubExpression;
      const name = helperName(sub.path);
      if (name && isValueHelper(name)) checkHelperCall(sub, name);
      else report(sub, `(${sub.path.original} …) calls an unknown helper: the helpers are ${Object.keys(HELPERS).join(', ')}`);
    }
  };

  const checkMustache = (node: hbs.AST.MustacheStatement, topLevel: boolean) => {
    if (node.path.type !== 'PathExpression') {
      report(node, 'an expression prints a variable or calls a helper: {{name}}, {{user.name}}, {{formatDate sent_at}}');
      return;
    }
    const path = node.path as hbs.AST.PathExpression;
    if (path.data && path.parts[0] === 'content' && path.parts.length === 1) {
      if (field !== 'layout') report(node, '{{{@content}}} belongs in a layout, where it marks the place of the content');
      else if (node.escaped) report(node, 'write the placeholder with three braces, {{{@content}}}: the content is HTML');
      else if (!topLevel) report(node, '{{{@content}}} must not be inside a block');
      else if (node.params.length || node.hash?.pairs.length) report(node, '{{{@content}}} takes no arguments');
      else placeholders.push(node);
      return;
    }
    const name = helperName(path);
    if (name && isValueHelper(name)) return checkHelperCall(node, name);
    if (name && isBlockHelper(name)) return report(node, `#${name} opens a block: {{#${name} …}}…{{/${name}}}`);
    if ((node.params.length || node.hash?.pairs.length) && !path.parts.some((part) => FORBIDDEN_NAMES.has(part))) {
      return report(node, `"${path.original}" is not a helper: the helpers are ${Object.keys(HELPERS).join(', ')}`);
    }
    checkPath(path);
  };

  const checkBlock = (node: hbs.AST.BlockStatement, depth: number) => {
    const name = helperName(node.path);
    const spec = name ? BLOCK_HELPERS[name] : undefined;
    if (!spec) {
      const hint = name && isValueHelper(name) ? `${name} is not a block helper` : `only #if, #unless, #each and #with open a block (write {{#if ${node.path.original}}} or {{#each ${node.path.original}}})`;
      return report(node, `{{#${node.path.original}}}: ${hint}`);
    }
    if (depth > TEMPLATE_LIMITS.maxBlockDepth) return report(node, `blocks are nested more than ${TEMPLATE_LIMITS.maxBlockDepth} deep`);
    if (node.params.length !== 1) report(node, `#${name} takes one argument, not ${node.params.length}`);
    for (const pair of node.hash?.pairs ?? []) {
      if (!spec.hash.includes(pair.key)) report(pair, `#${name} takes no option ${pair.key}`);
      else if (pair.value.type !== 'BooleanLiteral') report(pair, `${pair.key} must be true or false`);
    }
    const blockParams = node.program?.blockParams ?? [];
    if (blockParams.length > spec.blockParams) report(node, `#${name} takes ${spec.blockParams ? `at most ${spec.blockParams} block parameters` : 'no block parameters'}`);
    for (const param of blockParams) if (FORBIDDEN_NAMES.has(param)) report(node, `"${param}" cannot name a block parameter`);
    node.params.forEach(checkExpression);
    if (node.program) walk(node.program, depth + 1);
    if (node.inverse) walk(node.inverse, depth + 1);
  };

  const checkOneLine = (content: hbs.AST.ContentStatement) => {
    const text = contentOriginal(content);
    const at = text.search(LINE_BREAK);
    if (at < 0) return;
    // the position of the line break itself, from the start of the text it is in
    const before = text.slice(0, at).split(/\r\n?|\n/);
    const line = content.loc.start.line + before.length - 1;
    const column = (before.length === 1 ? content.loc.start.column : 0) + (before.at(-1) as string).length;
    if (issues.length < MAX_ISSUES) issues.push(issueAt(field, { line, column }, 'a subject is one line: it must not contain line breaks'));
  };

  const walk = (program: hbs.AST.Program, depth: number) => {
    for (const statement of program.body) {
      switch (statement.type) {
        case 'ContentStatement':
          if (field === 'subject') checkOneLine(statement as hbs.AST.ContentStatement);
          break;
        case 'CommentStatement':
          break;
        case 'MustacheStatement':
          checkMustache(statement as hbs.AST.MustacheStatement, depth === 0);
          break;
        case 'BlockStatement':
          checkBlock(statement as hbs.AST.BlockStatement, depth);
          break;
        case 'PartialStatement':
        case 'PartialBlockStatement':
          report(statement, 'partials ({{> name}}) are not supported: a template can have a layout instead');
          break;
        default:
          report(statement, 'decorators ({{* …}}) are not supported');
      }
    }
  };

  walk(ast, 0);
  if (field === 'layout' && placeholders.length !== 1 && issues.length === 0) {
    report(placeholders[1], placeholders.length === 0 ? 'a layout must hold {{{@content}}} where the content goes' : 'a layout holds {{{@content}}} only once');
  }
  return { issues, placeholder: placeholders.length === 1 ? placeholders[0] : undefined };
}

/** The name a path calls when it can be a helper: one plain segment ("eq", not "this.eq", "../eq" or "@eq"). */
export function helperName(path: hbs.AST.PathExpression | hbs.AST.Literal): string | null {
  if (path.type !== 'PathExpression') return null;
  const p = path as hbs.AST.PathExpression;
  return !p.data && p.depth === 0 && p.parts.length === 1 && p.original === p.parts[0] ? p.parts[0] : null;
}

/** A literal argument's value; DYNAMIC for a variable or a subexpression. */
function literalValue(node: hbs.AST.Expression): HelperArg {
  switch (node.type) {
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return (node as hbs.AST.StringLiteral).value;
    case 'NullLiteral':
      return null;
    case 'UndefinedLiteral':
      return undefined;
    default:
      return DYNAMIC;
  }
}
