import { LINE_BREAK } from '../intake/message-rules.ts';
import { helperName } from './check-template.ts';
import { printedValue } from './hbs-ast.ts';
import { callHelper, HELPERS } from './helpers.ts';
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
 * only. It runs before every render, so it allocates little: a variable's path is built only to name it.
 */
export interface PreflightField {
  field: TemplateField;
  ast: hbs.AST.Program;
}

const MAX_PLACES = 3;

/** A variable's place in the variables. */
interface VariablePath {
  parent: VariablePath | null;
  key: string;
}

type BlockParam = { value: unknown; path: VariablePath | null };

interface Frame {
  value: unknown;
  path: VariablePath | null;
  /** Whether ../ counts this frame: Handlebars adds a level only where the context changes. */
  level: boolean;
  /** @index, @key, @first, @last of the #each row this frame is. */
  data?: Record<string, unknown>;
  params?: Map<string, BlockParam>;
}

const MISSING: unique symbol = Symbol('missing');

class RenderTooLarge extends Error {}

const join = (parent: VariablePath | null, key: string): VariablePath => ({ parent, key });

function pathName(path: VariablePath | null): string {
  const keys: string[] = [];
  for (let p = path; p; p = p.parent) keys.push(p.key);
  return ['variables', ...keys.reverse()].join('.');
}

/** "this.x", "./x", "this": a path Handlebars looks up in the context only, never among block parameters. */
const scoped = (original: string) => original === 'this' || original.startsWith('this.') || original.startsWith('this/') || original.startsWith('.');

/** Handlebars' truth for #if, #unless and #with: 0 and [] are false (0 true with includeZero). */
const truthy = (value: unknown, includeZero: boolean) => !((!value && !(includeZero && value === 0)) || (Array.isArray(value) && value.length === 0));

export function preflight(fields: readonly PreflightField[], variables: object, allowMissing: boolean): TemplateIssue[] {
  return new Preflight(variables, allowMissing).run(fields);
}

/** One walk (a class, not closures: it runs before every render, and tsx wraps each closure it makes). */
class Preflight {
  private readonly missing = new Map<string, string[]>();
  private readonly issues: TemplateIssue[] = [];
  private readonly stack: Frame[];
  private steps = 0;
  private output = 0;
  private field: TemplateField = 'html';
  // where the last resolve started and how far it went: its path is built from these only when needed
  private lastBase: VariablePath | null = null;
  private lastParts: readonly string[] = [];
  private lastReached = 0;
  /** Frames with block parameters on the stack: none, most of the time, and then no search. */
  private paramFrames = 0;

  constructor(
    variables: object,
    private readonly allowMissing: boolean,
  ) {
    this.stack = [{ value: variables, path: null, level: true }];
  }

  run(fields: readonly PreflightField[]): TemplateIssue[] {
    try {
      for (const f of fields) {
        this.field = f.field;
        this.walk(f.ast);
      }
    } catch (err) {
      if (!(err instanceof RenderTooLarge)) throw err;
      const limits = `${TEMPLATE_LIMITS.maxRenderSteps.toLocaleString('en-US')} expressions or ${TEMPLATE_LIMITS.maxRenderedChars / 1024 / 1024} MB of output`;
      return [{ field: this.field, message: `rendering would go past ${limits} with these variables (a loop over a loop?)` }];
    }
    const missingIssues = [...this.missing].map(([name, places]): TemplateIssue => {
      const more = places.length > MAX_PLACES ? `, and ${places.length - MAX_PLACES} more` : '';
      return { field: name, message: `is missing (used at ${places.slice(0, MAX_PLACES).join('; ')}${more})` };
    });
    return [...missingIssues, ...this.issues];
  }

  private place(node: hbs.AST.Node): string {
    return `${this.field} line ${node.loc.start.line}, column ${node.loc.start.column + 1}`;
  }

  private lastPath(): VariablePath | null {
    let path = this.lastBase;
    for (let i = 0; i < this.lastReached; i++) path = join(path, this.lastParts[i] as string);
    return path;
  }

  private tick(chars: number): void {
    this.steps++;
    this.output += chars;
    if (this.steps > TEMPLATE_LIMITS.maxRenderSteps || this.output > TEMPLATE_LIMITS.maxRenderedChars) throw new RenderTooLarge();
  }

  /** The value a path names, or MISSING; lastPath() then names it. */
  private resolve(node: hbs.AST.PathExpression): unknown {
    const stack = this.stack;
    let parts = node.parts;
    let value: unknown;
    let base: Frame | BlockParam | undefined;
    if (node.data) {
      if (parts[0] !== 'root') {
        this.lastBase = null;
        this.lastReached = 0;
        return stack.findLast((f) => f.data)?.data?.[parts[0] as string];
      }
      base = stack[0];
      parts = parts.slice(1);
    } else {
      base = this.paramFrames > 0 && node.depth === 0 && parts.length > 0 && !scoped(node.original) ? this.findParam(parts[0] as string) : undefined;
      if (base) parts = parts.slice(1);
      else base = node.depth === 0 ? stack[stack.length - 1] : stack.filter((f) => f.level).at(-1 - node.depth);
      if (!base) {
        this.issues.push({ field: this.field, message: `${this.place(node)}: ${node.original} goes up more levels than there are` });
        return undefined;
      }
    }
    value = (base as Frame).value;
    this.lastBase = (base as Frame).path;
    this.lastParts = parts;
    for (let i = 0; i < parts.length; i++) {
      this.lastReached = i;
      // a variable given as null holds nothing, and prints nothing: not missing
      if (value === null) return undefined;
      this.lastReached = i + 1;
      const part = parts[i] as string;
      if (value === undefined || !Object.hasOwn(Object(value) as object, part)) return MISSING;
      value = (value as Record<string, unknown>)[part];
    }
    this.lastReached = parts.length;
    return value;
  }

  private findParam(name: string): BlockParam | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const param = this.stack[i]?.params?.get(name);
      if (param) return param;
    }
    return undefined;
  }

  /** An argument's value; a missing variable is reported unless `mayMiss`, and is undefined. */
  private evaluate(node: hbs.AST.Expression, mayMiss: boolean): unknown {
    switch (node.type) {
      case 'PathExpression': {
        const value = this.resolve(node as hbs.AST.PathExpression);
        if (value !== MISSING) return value;
        if (!mayMiss && !this.allowMissing) {
          const name = pathName(this.lastPath());
          const places = this.missing.get(name) ?? [];
          places.push(this.place(node));
          this.missing.set(name, places);
        }
        return undefined;
      }
      case 'SubExpression':
        return this.call(node as hbs.AST.SubExpression);
      case 'NullLiteral':
        return null;
      case 'UndefinedLiteral':
        return undefined;
      default:
        return (node as hbs.AST.StringLiteral).value;
    }
  }

  /** Runs one of Herald's helpers as Handlebars will; undefined when it refuses its arguments (reported). */
  private call(node: hbs.AST.MustacheStatement | hbs.AST.SubExpression): unknown {
    const name = helperName(node.path) as string;
    const args: unknown[] = [];
    for (const param of node.params) args.push(this.evaluate(param, name === 'eq'));
    const result = callHelper(name, args);
    if (result.ok) return result.value;
    const culprit = node.params[result.arg];
    const path = culprit?.type === 'PathExpression' && this.resolve(culprit as hbs.AST.PathExpression) !== MISSING ? this.lastPath() : null;
    const where = `${name}, ${this.place(node)}`;
    this.issues.push(path ? { field: pathName(path), message: `${result.message} (${where})` } : { field: this.field, message: `${this.place(node)}: ${name}: ${result.message}` });
    return undefined;
  }

  private inside(program: hbs.AST.Program, value: unknown, path: VariablePath | null, data?: Frame['data'], params?: Frame['params']): void {
    const level = value !== this.stack[this.stack.length - 1]?.value;
    this.stack.push({ value, path, level, data, params });
    if (params) this.paramFrames++;
    this.walk(program);
    if (params) this.paramFrames--;
    this.stack.pop();
  }

  private block(node: hbs.AST.BlockStatement): void {
    const name = helperName(node.path);
    const subject = node.params[0] as hbs.AST.Expression;
    if (name === 'if' || name === 'unless') {
      const includeZero = node.hash?.pairs.some((p) => p.key === 'includeZero' && (p.value as hbs.AST.BooleanLiteral).value) ?? false;
      const branch = truthy(this.evaluate(subject, true), includeZero) === (name === 'if') ? node.program : node.inverse;
      if (branch) this.walk(branch);
      return;
    }
    const value = this.evaluate(subject, node.inverse !== undefined);
    const path = subject.type === 'PathExpression' ? this.lastPath() : null;
    const params = node.program?.blockParams ?? [];
    if (name === 'with') {
      if (!truthy(value, true)) {
        if (node.inverse) this.walk(node.inverse);
      } else this.inside(node.program, value, path, undefined, params[0] ? new Map([[params[0], { value, path }]]) : undefined);
      return;
    }
    const list = Array.isArray(value) ? value : null;
    const keys = list ? null : value !== null && typeof value === 'object' ? Object.keys(value) : [];
    const count = list ? list.length : (keys as string[]).length;
    for (let i = 0; i < count; i++) {
      const key = list ? i : (keys as string[])[i] as string;
      const item: unknown = list ? list[i] : (value as Record<string, unknown>)[key];
      const itemPath = join(path, String(key));
      let blockParams: Map<string, BlockParam> | undefined;
      if (params.length > 0) {
        blockParams = new Map([[params[0] as string, { value: item, path: itemPath }]]);
        if (params[1]) blockParams.set(params[1], { value: key, path: null });
      }
      this.inside(node.program, item, itemPath, { index: i, key, first: i === 0, last: i === count - 1 }, blockParams);
    }
    if (count === 0 && node.inverse) this.walk(node.inverse);
  }

  private mustache(node: hbs.AST.MustacheStatement): void {
    const helper = helperName(node.path);
    const isCall = helper !== null && Object.hasOwn(HELPERS, helper);
    const value = isCall ? this.call(node) : this.evaluate(node.path, false);
    const text = printedValue(value);
    if (this.field === 'subject' && LINE_BREAK.test(text)) {
      const path = isCall ? null : this.lastPath();
      const where = `printed into the subject (${this.place(node)}), which is one line`;
      this.issues.push(path ? { field: pathName(path), message: `contains a line break, and is ${where}` } : { field: this.field, message: `${this.place(node)}: a line break would be ${where}` });
    }
    this.tick(text.length);
  }

  private walk(program: hbs.AST.Program): void {
    for (const statement of program.body) {
      if (statement.type === 'ContentStatement') this.tick((statement as hbs.AST.ContentStatement).value.length);
      else if (statement.type === 'MustacheStatement') this.mustache(statement as hbs.AST.MustacheStatement);
      else if (statement.type === 'BlockStatement') {
        this.tick(0);
        this.block(statement as hbs.AST.BlockStatement);
      }
    }
  }
}
