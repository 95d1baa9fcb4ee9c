/**
 * fastify-type-provider-zod puts every registered schema into components twice (an input and an
 * output variant). Keep only those the document references, directly or through other components.
 */
export function pruneUnusedSchemas<T extends object>(document: T): T {
  const schemas = (document as { components?: { schemas?: Record<string, unknown> } }).components?.schemas;
  if (!schemas) return document;
  const refsIn = (value: unknown): string[] => {
    const found: string[] = [];
    JSON.stringify(value, (key, v: unknown) => {
      if (key === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        found.push(v.slice('#/components/schemas/'.length));
      }
      return v;
    });
    return found;
  };
  const { components, ...rest } = document as { components: Record<string, unknown> };
  const used = new Set<string>();
  const queue = refsIn(rest);
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (used.has(name)) continue;
    used.add(name);
    queue.push(...refsIn(schemas[name]));
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...components, schemas: kept } };
}
