/**
 * Libraries only some processes use, loaded on first use instead of with @herald/core: every process
 * imports the package whole, and a worker would otherwise hold the template engine (Handlebars, juice,
 * cheerio, html-to-text) and mailparser, which it never runs, and mailauth's SPF evaluation, which it
 * runs only when it rechecks a domain — about 13 MB of V8 heap at start (measured 2026-12-05, docs/performance.md). Each is loaded once; a failed
 * load is tried again at the next use.
 */
export function loadOnUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = null;
      throw err;
    });
    return loading;
  };
}

/** mailparser: the inbound MX reads notifications with it, the API previews a stored message's body. */
export const mailparser = loadOnUse(() => import('mailparser'));

/** mailauth's SPF evaluation: a domain's check (the API's verify, the worker's periodic recheck). */
export const mailauthSpf = loadOnUse(() => import('mailauth/lib/spf/index.js'));

/** The template engine behind intake: a message that names a template is rendered with it (the API also imports it whole, for its template routes). */
export const templateEngine = loadOnUse(() => import('./templates/resolve-template.ts'));
