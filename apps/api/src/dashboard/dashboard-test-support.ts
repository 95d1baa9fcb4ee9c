import type { FastifyInstance } from 'fastify';

/** A browser's cookie jar, as far as these tests need one. */
export class Jar {
  cookies = new Map<string, string>();
  take(setCookie: string | string[] | undefined): void {
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (!name) continue;
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** An attribute's value as a browser reads it (the templates escape `/`, `=`, `&`, quotes). */
export function decodeAttribute(value: string): string {
  return value.replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16))).replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d))).replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

export const csrfOf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';


export async function pageGet(app: FastifyInstance, jar: Jar, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: { cookie: jar.header() } });
  jar.take(res.headers['set-cookie']);
  return res;
}

export async function formPost(app: FastifyInstance, jar: Jar, url: string, form: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
  const res = await app.inject({
    method: 'POST',
    url,
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  });
  jar.take(res.headers['set-cookie']);
  return res;
}

/** Opens the sign-in page (for its CSRF token) and posts the form. */
export async function signInWith(app: FastifyInstance, jar: Jar, form: Record<string, string>) {
  const page = await pageGet(app, jar, '/dashboard/sign-in');
  return formPost(app, jar, '/dashboard/sign-in', { _csrf: csrfOf(page.body), ...form });
}
