/** The label value every value past the cap shares. */
export const OTHER_LABEL = 'other';

/**
 * A label whose values come from the outside world (a destination's MX host name), kept bounded: the
 * first `cap` distinct values seen keep their own name, every later one is `other`. A value once
 * admitted keeps its name for the life of the process, so a series never changes its meaning. Values
 * are compared lower-cased (host names are case-insensitive) and an empty value is `unknown`.
 */
export function createCappedLabel(cap: number): (value: string | null | undefined) => string {
  const admitted = new Set<string>();
  return (value) => {
    const name = (value ?? '').toLowerCase();
    if (name === '') return 'unknown';
    if (admitted.has(name)) return name;
    if (admitted.size >= cap) return OTHER_LABEL;
    admitted.add(name);
    return name;
  };
}
