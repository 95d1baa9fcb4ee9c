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
 * the variable ('variables.items.3.price').
 */
export function variablesProblems(variables: unknown): TemplateIssue[] {
  if (!isPlainObject(variables)) return [{ field: 'variables', message: `must be a JSON object, not ${describeType(variables)}` }];
  const issues: TemplateIssue[] = [];
  const visit = (value: unknown, path: string, depth: number): void => {
    if (issues.length >= MAX_ISSUES) return;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) issues.push({ field: path, message: 'must be a finite number' });
      return;
    }
    const list = Array.isArray(value);
    if (!list && !isPlainObject(value)) {
      issues.push({ field: path, message: `must be a JSON value (an object, list, string, number, boolean or null), not ${describeType(value)}` });
      return;
    }
    if (depth > TEMPLATE_LIMITS.maxVariablesDepth) {
      issues.push({ field: path, message: `is nested too deeply: objects and lists may be nested at most ${TEMPLATE_LIMITS.maxVariablesDepth} deep` });
      return;
    }
    if (list) {
      value.forEach((item, i) => visit(item, `${path}.${i}`, depth + 1));
      return;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') issues.push({ field: `${path}.__proto__`, message: 'a variable may not be called __proto__' });
      else visit(value[key], `${path}.${key}`, depth + 1);
    }
  };
  visit(variables, 'variables', 1);
  if (issues.length > 0) return issues;
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
