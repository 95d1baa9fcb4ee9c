import { describe, expect, it } from 'vitest';
import type { ErrorDetail } from '../errors/registry.ts';
import { newId } from '../ids.ts';
import { readTemplateHeaders } from './raw-template.ts';

describe('X-Herald-Template and X-Herald-Template-Variables', () => {
  const read = (names: string[], variables: string[] = []) => {
    const problems: ErrorDetail[] = [];
    return { ref: readTemplateHeaders(names, variables, problems), problems };
  };

  it('reads an alias or an id, with or without @version, and the variables as JSON', () => {
    const id = newId('template');
    expect(read(['receipt'], ['{"a":1}'])).toEqual({ ref: { alias: 'receipt', version: undefined, variables: { a: 1 } }, problems: [] });
    expect(read(['receipt@12'])).toEqual({ ref: { alias: 'receipt', version: 12, variables: {} }, problems: [] });
    expect(read([`${id}@3`]).ref).toEqual({ id, version: 3, variables: {} });
  });

  it.each([
    [['receipt@0'], [], 'header.x-herald-template'],
    [['receipt@1.5'], [], 'header.x-herald-template'],
    [['receipt@99999999999'], [], 'header.x-herald-template'],
    [['a b'], [], 'header.x-herald-template'],
    [['tpl_notanid'], [], 'header.x-herald-template'],
    [['a', 'b'], [], 'header.x-herald-template'],
    [['a'], ['{"a":', '{}'], 'header.x-herald-template'],
    [['a'], ['{not json'], 'header.x-herald-template-variables'],
    [['a'], ['{"a":"\\u0000"}'], 'header.x-herald-template-variables'],
    [[], ['{}'], 'header.x-herald-template-variables'],
  ])('refuses %j with variables %j, naming %s', (names, variables, field) => {
    const { ref, problems } = read(names, variables);
    expect(ref).toBeNull();
    expect(problems.map((p) => p.field)).toEqual([field]);
  });

  it('leaves a message without the headers alone', () => {
    expect(read([])).toEqual({ ref: null, problems: [] });
  });
});
