import { describeType } from './intl-support.ts';
import type { TemplateIssue } from './template-issue.ts';
import { TEMPLATE_LIMITS } from './template-limits.ts';

const MAX_ISSUES = 20;

/**
 * The variables of a render must be what JSON can say, and not too much of it: an object at the top,
 * then objects, lists, strings, finite numbers, booleans and null, nested at most
 * TEMPLATE_LIMITS.maxVariablesDepth deep and at most maxVariablesBytes as JSON. A key "__proto__" is
 * refused: JSON.parse makes it an ordinary property, but any code that later copies the object with
 * assignment (Object.assign, a merge) would set a prototype with it. Returns the problems, each naming
 * the variable ('variables.items.3.price'). It runs before every render, so a variable's name is
 * written only for a problem, and the JSON is measured only when a quick bound says it could be too big.
 */
export function variablesProblems(variables: unknown): TemplateIssue[] {
  if (!isPlainObject(variables)) return [{ field: 'variables', message: `must be a JSON object, not ${describeType(variables)}` }];
  const issues: TemplateIssue[] = [];
  const keys: string[] = [];
  const report = (message: string, last?: string) => issues.push({ field: ['variables', ...keys, ...(last ? [last] : [])].join('.'), message });
  // at most 6 bytes of JSON per UTF-16 unit of a string ("\u0001"), plus quotes and separators
  let bound = 0;
  const visit = (value: unknown, depth: number): void => {
    if (issues.length >= MAX_ISSUES) return;
    bound += 2;
    if (value === null || typeof value === 'boolean') return;
    if (typeof value === 'string') {
      bound += 6 * value.length;
      return;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) report('must be a finite number');
      bound += 24;
      return;
    }
    const list = Array.isArray(value);
    if (!list && !isPlainObject(value)) return void report(`must be a JSON value (an object, list, string, number, boolean or null), not ${describeType(value)}`);
    if (depth > TEMPLATE_LIMITS.maxVariablesDepth) return void report(`is nested too deeply: objects and lists may be nested at most ${TEMPLATE_LIMITS.maxVariablesDepth} deep`);
    const entries = list ? value : Object.keys(value);
    for (let i = 0; i < entries.length; i++) {
      const key = list ? String(i) : (entries[i] as string);
      if (key === '__proto__') {
        report('a variable may not be called __proto__', key);
        continue;
      }
      bound += list ? 1 : 6 * key.length + 3;
      keys.push(key);
      visit(list ? value[i] : value[key], depth + 1);
      keys.pop();
    }
  };
  visit(variables, 1);
  if (issues.length > 0 || bound <= TEMPLATE_LIMITS.maxVariablesBytes) return issues;
  const bytes = Buffer.byteLength(JSON.stringify(variables), 'utf8');
  if (bytes > TEMPLATE_LIMITS.maxVariablesBytes) {
    return [{ field: 'variables', message: `are ${bytes} bytes as JSON; at most ${TEMPLATE_LIMITS.maxVariablesBytes} are allowed` }];
  }
  return [];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
