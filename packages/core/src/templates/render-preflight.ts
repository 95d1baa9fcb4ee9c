import { helperName } from './check-template.ts';
import { HELPERS } from './helpers.ts';
import type { TemplateField, TemplateIssue } from './template-issue.ts';
import { TEMPLATE_LIMITS } from './template-limits.ts';

/**
 * Walks a template with the variables of one render, as Handlebars will, before Handlebars does:
 * only the branches the variables choose, every row of every loop. It finds, all at once:
 * - missing variables: a printed expression, a formatting helper's argument, or the list of an #each
 *   or the object of a #with without an {{else}}, that is not there (a variable given as null is
 *   there: it prints nothing). #if, #unless and eq test a variable, so they may miss it;
 * - helper arguments from variables that the helper refuses ("2026-13-01" for formatDate);
 * - a line break printed into the subject (never stripped: refused, naming the variable);
 * - a render too large to run (loops over loops): over TEMPLATE_LIMITS.maxRenderSteps or
 *   maxRenderedChars.
 * Paths resolve as in Handlebars without compat mode: against the current context only (#each and
 * #with change it, #if does not), ../ for the enclosing one, @root, block parameters, own properties
 * only.
 */
export interface PreflightField {
  field: TemplateField;
  ast: hbs.AST.Program;
}

const LINE_BREAK = /[\r\n\u0085\u2028\u2029\v\f]/;
const MAX_PLACES = 3;

/** A variable's place in the variables, built only when an issue names it. */
interface VariablePath {
  parent: VariablePath | null;
  key: string;
}

interface Frame {
  value: unknown;
  path: VariablePath | null;
  /** Whether ../ counts this frame: Handlebars adds a level only where the context changes. */
  level: boolean;
  /** @index, @key, @first, @last of the #each row this frame is. */
  data?: Record<string, unknown>;
  blockParams?: Map<string, { value: unknown; path: VariablePath | null }>;
}

type Resolved = { found: true; value: unknown; path: VariablePath | null } | { found: false; path: VariablePath | null; aboveRoot?: true };

class RenderTooLarge extends Error {}

/** What Handlebars prints for a value: nothing for null and undefined, "[object Object]" for an object, "a,b" for a list. */
function printedText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '[object Object]';
}

const join = (parent: VariablePath | null, key: string): VariablePath => ({ parent, key });
function pathName(path: VariablePath | null): string {
  const keys: string[] = [];
  for (let p = path; p; p = p.parent) keys.push(p.key);
  return ['variables', ...keys.reverse()].join('.');
}

export function preflight(fields: readonly PreflightField[], variables: object, allowMissing: boolean): TemplateIssue[] {
  const missing = new Map<string, string[]>();
  const issues: TemplateIssue[] = [];
  let steps = 0;
  let output = 0;
  let field: TemplateField = 'html';

  const place = (node: hbs.AST.Node) => `${field} line ${node.loc.start.line}, column ${node.loc.start.column + 1}`;
  const reportMissing = (path: VariablePath | null, node: hbs.AST.Node) => {
    const name = pathName(path);
    const places = missing.get(name) ?? [];
    places.push(place(node));
    missing.set(name, places);
  };
  const tick = (chars: number) => {
    steps++;
    output += chars;
    if (steps > TEMPLATE_LIMITS.maxRenderSteps || output > TEMPLATE_LIMITS.maxRenderedChars) throw new RenderTooLarge();
  };

  const resolve = (node: hbs.AST.PathExpression, stack: Frame[]): Resolved => {
    const top = stack[stack.length - 1] as Frame;
    let parts = node.parts;
    let value: unknown;
    let path: VariablePath | null;
    if (node.data) {
      const [first, ...rest] = parts;
      if (first !== 'root') {
        const row = stack.findLast((f) => f.data);
        return { found: true, value: row?.data?.[first as string], path: null };
      }
      ({ value, path } = stack[0] as Frame);
      parts = rest;
    } else {
      const scoped = /^(?:this\b|\.)/.test(node.original);
      const param = !scoped && node.depth === 0 && parts.length > 0 ? stack.findLast((f) => f.blockParams?.has(parts[0] as string))?.blockParams?.get(parts[0] as string) : undefined;
      if (param) {
        ({ value, path } = param);
        parts = parts.slice(1);
      } else {
        const frame = node.depth === 0 ? top : stack.filter((f) => f.level).at(-1 - node.depth);
        if (!frame) return { found: false, path: null, aboveRoot: true };
        ({ value, path } = frame);
      }
    }
    for (const part of parts) {
      // a variable given as null holds nothing, and prints nothing: not missing
      if (value === null) return { found: true, value: undefined, path };
      path = join(path, part);
      if (value === undefined || !Object.hasOwn(Object(value) as object, part)) return { found: false, path };
      value = (value as Record<string, unknown>)[part];
    }
    return { found: true, value, path };
  };

  /** An argument's value; a missing variable is reported unless `mayMiss`, and is undefined. */
  const evaluate = (node: hbs.AST.Expression, stack: Frame[], mayMiss: boolean): { value: unknown; path: VariablePath | null } => {
    switch (node.type) {
      case 'PathExpression': {
        const r = resolve(node as hbs.AST.PathExpression, stack);
        if (r.found) return r;
        if (r.aboveRoot) issues.push({ field, message: `${place(node)}: ${(node as hbs.AST.PathExpression).original} goes up more levels than there are` });
        else if (!mayMiss && !allowMissing) reportMissing(r.path, node);
        return { value: undefined, path: r.path };
      }
      case 'SubExpression':
        return { value: call(node as hbs.AST.SubExpression, stack), path: null };
      case 'NullLiteral':
        return { value: null, path: null };
      case 'UndefinedLiteral':
        return { value: undefined, path: null };
      default:
        return { value: (node as hbs.AST.StringLiteral).value, path: null };
    }
  };

  /** Runs one of Herald's helpers as Handlebars will, after checking its arguments; undefined when it would refuse them. */
  const call = (node: hbs.AST.MustacheStatement | hbs.AST.SubExpression, stack: Frame[]): unknown => {
    const name = helperName(node.path) as string;
    const spec = HELPERS[name];
    if (!spec) return undefined;
    const args = node.params.map((param) => evaluate(param, stack, name === 'eq'));
    const problem = spec.problem(args.map((a) => a.value));
    if (!problem) return spec.run(args.map((a) => a.value));
    const culprit = args[problem.arg];
    issues.push(culprit?.path ? { field: pathName(culprit.path), message: `${problem.message} (${name}, ${place(node)})` } : { field, message: `${place(node)}: ${name}: ${problem.message}` });
    return undefined;
  };

  const truthy = (value: unknown, includeZero: boolean) =>
    !((!value && !(includeZero && value === 0)) || (Array.isArray(value) && value.length === 0));

  const enter = (stack: Frame[], frame: Omit<Frame, 'level'>): Frame[] => [...stack, { ...frame, level: frame.value !== stack.at(-1)?.value }];

  const block = (node: hbs.AST.BlockStatement, stack: Frame[]) => {
    const name = helperName(node.path);
    const subject = node.params[0] as hbs.AST.Expression;
    const params = node.program?.blockParams ?? [];
    if (name === 'if' || name === 'unless') {
      const includeZero = node.hash?.pairs.some((p) => p.key === 'includeZero' && (p.value as hbs.AST.BooleanLiteral).value) ?? false;
      const yes = truthy(evaluate(subject, stack, true).value, includeZero) === (name === 'if');
      const branch = yes ? node.program : node.inverse;
      if (branch) walk(branch, stack);
      return;
    }
    const { value, path } = evaluate(subject, stack, node.inverse !== undefined);
    if (name === 'with') {
      if (truthy(value, true)) walk(node.program, enter(stack, { value, path, blockParams: params[0] ? new Map([[params[0], { value, path }]]) : undefined }));
      else if (node.inverse) walk(node.inverse, stack);
      return;
    }
    const rows: [string | number, unknown][] =
      Array.isArray(value) ? value.map((item, i) => [i, item]) : value !== null && typeof value === 'object' ? Object.entries(value) : [];
    rows.forEach(([key, item], i) => {
      const itemPath = join(path, String(key));
      const blockParams = new Map<string, { value: unknown; path: VariablePath | null }>();
      if (params[0]) blockParams.set(params[0], { value: item, path: itemPath });
      if (params[1]) blockParams.set(params[1], { value: key, path: null });
      const data = { index: typeof key === 'number' ? key : i, key, first: i === 0, last: i === rows.length - 1 };
      walk(node.program, enter(stack, { value: item, path: itemPath, data, blockParams }));
    });
    if (rows.length === 0 && node.inverse) walk(node.inverse, stack);
  };

  const walk = (program: hbs.AST.Program, stack: Frame[]) => {
    for (const statement of program.body) {
      switch (statement.type) {
        case 'ContentStatement':
          tick((statement as hbs.AST.ContentStatement).value.length);
          break;
        case 'MustacheStatement': {
          const node = statement as hbs.AST.MustacheStatement;
          const helper = helperName(node.path);
          const printed = helper && HELPERS[helper] ? { value: call(node, stack), path: null } : evaluate(node.path, stack, false);
          const text = printedText(printed.value);
          if (field === 'subject' && LINE_BREAK.test(text)) {
            issues.push(printed.path ? { field: pathName(printed.path), message: `contains a line break, and is printed into the subject (${place(node)}), which is one line` } : { field, message: `${place(node)}: prints a line break into the subject, which is one line` });
          }
          tick(text.length);
          break;
        }
        case 'BlockStatement':
          tick(0);
          block(statement as hbs.AST.BlockStatement, stack);
          break;
      }
    }
  };

  const root: Frame[] = [{ value: variables, path: null, level: true }];
  try {
    for (const f of fields) {
      field = f.field;
      walk(f.ast, root);
    }
  } catch (err) {
    if (!(err instanceof RenderTooLarge)) throw err;
    return [{ field, message: `rendering would go past ${TEMPLATE_LIMITS.maxRenderSteps.toLocaleString('en-US')} expressions or ${TEMPLATE_LIMITS.maxRenderedChars / 1024 / 1024} MB of output with these variables (a loop over a loop?)` }];
  }
  const missingIssues = [...missing].map(([name, places]): TemplateIssue => {
    const more = places.length > MAX_PLACES ? `, and ${places.length - MAX_PLACES} more` : '';
    return { field: name, message: `is missing (used at ${places.slice(0, MAX_PLACES).join('; ')}${more})` };
  });
  return [...missingIssues, ...issues];
}
