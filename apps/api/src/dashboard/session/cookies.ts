import type { CookieSerializeOptions } from '@fastify/cookie';

export const SESSION_COOKIE = 'herald_session';
/** Before sign-in there is no session: the sign-in form's CSRF token is also kept in this cookie (double submit). */
export const PRE_SESSION_COOKIE = 'herald_csrf';

/** httpOnly, SameSite=Strict, only under /dashboard; Secure outside development. */
export function cookieOptions(env: string, maxAgeSeconds?: number): CookieSerializeOptions {
  return {
    path: '/dashboard',
    httpOnly: true,
    sameSite: 'strict',
    secure: env !== 'development',
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}
