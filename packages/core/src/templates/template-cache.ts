import { type CompileResult, compileTemplate, type TemplateSource } from './compile-template.ts';

/**
 * Compiled templates kept per template version in this process, the least recently used dropped past
 * `maxEntries`: a batch of 500 messages with one template compiles it once. Versions never change,
 * so nothing is ever stale; the key must name everything the compiled template was made from
 * (templateCacheKey: the version, and its layout's version). Failures are kept too: a stored version
 * that no longer compiles fails the same way every time.
 */
export class TemplateCache {
  readonly #entries = new Map<string, CompileResult>();

  constructor(
    readonly maxEntries = 1000,
    private readonly compile: (source: TemplateSource) => CompileResult = compileTemplate,
  ) {}

  /** The compiled template for the key, compiling `load()`'s source on a miss. */
  get(key: string, load: () => TemplateSource): CompileResult {
    const hit = this.#entries.get(key);
    if (hit) {
      // re-inserted: a Map iterates in insertion order, so the first key is the least recently used
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const compiled = this.compile(load());
    this.#entries.set(key, compiled);
    if (this.#entries.size > this.maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
    return compiled;
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** The cache key of a template version rendered in a layout version (or none). */
export function templateCacheKey(templateVersionId: string, layoutVersionId?: string | null): string {
  return layoutVersionId ? `${templateVersionId}+${layoutVersionId}` : templateVersionId;
}

/** The process's cache, shared by every front end that renders templates. */
export const templateCache = new TemplateCache();
