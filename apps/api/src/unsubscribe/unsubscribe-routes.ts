import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HeraldError, issuedSubjectExists, readUnsubscribeToken, unsubscribeKey, unsubscribeRecipient, UNSUBSCRIBE_PATH, type TokenKey } from '@herald/core';
import type { AppDeps } from '../app.ts';
import { registerErrorHandler, type ErrorPresenter } from '../plugins/error-handler.ts';
import { clientRateLimitHook } from '../plugins/rate-limit.ts';
import { ONE_CLICK_BODY_LIMIT, readOneClickBody } from './one-click-body.ts';
import { CONFIRM_PAGE, DONE_PAGE, refusalPage, sendPage } from './unsubscribe-page.ts';

/**
 * One-click unsubscribe over HTTPS (RFC 8058), at HERALD_PUBLIC_URL/unsubscribe/<token>, without an
 * API key: the token (signed with the unsubscribe key derived from the master key) names the
 * recipient, whose row names the message and project.
 *
 * - POST with `List-Unsubscribe=One-Click` unsubscribes at once (core's unsubscribeRecipient: the
 *   `unsubscribe` suppression for that project and address, the `unsubscribed` event and webhook),
 *   idempotently, and answers 200 with a short page.
 * - GET only shows a confirmation page whose button posts that body: link scanners and mail
 *   previews fetch GETs, and must not unsubscribe anyone.
 * - A truncated or malformed token answers 400; a forged one, one for another purpose or for a
 *   recipient that no longer exists, 404; nothing is written for any of them.
 * Every answer is an HTML page under a strict CSP (unsubscribe-page.ts), errors included; requests
 * are rate-limited per client address; the request log never shows the token (log-redaction.ts).
 */
export function unsubscribeRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    const keys: TokenKey[] = [unsubscribeKey(deps.masterKey)];
    registerErrorHandler(app, htmlRefusal);
    for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data']) {
      app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: ONE_CLICK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    }
    if (deps.limits) {
      app.addHook('onRequest', clientRateLimitHook(deps.limits.rateLimiter, { scope: 'unsubscribe', perClient: { perSecond: deps.config.unsubscribeRateLimit, burst: 4 * deps.config.unsubscribeRateLimit } }));
    }

    /** The recipient the token names, or the refusal: 400 when it cannot be a token at all, else 404. */
    const recipientOf = (token: string): string => {
      const check = readUnsubscribeToken(keys, token);
      if (!check.ok) {
        if (check.reason === 'malformed') throw new HeraldError('validation_failed', 'token: not an unsubscribe token', [{ field: 'token', message: 'is incomplete or malformed' }]);
        throw new HeraldError('not_found', 'no such unsubscribe link');
      }
      // Herald puts only recipient tokens in links; a message token names no one address
      if (check.subject.kind !== 'recipient') throw new HeraldError('not_found', 'no such unsubscribe link');
      return check.subject.id;
    };

    app.get('/:token', { schema: { hide: true } }, async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
      const recipientId = recipientOf(request.params.token);
      if (!(await issuedSubjectExists(deps.db, { kind: 'recipient', id: recipientId }))) throw new HeraldError('not_found', 'no such unsubscribe link');
      return sendPage(reply, 200, CONFIRM_PAGE);
    });

    app.post('/:token', { schema: { hide: true } }, async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
      const recipientId = recipientOf(request.params.token);
      const body = readOneClickBody(request.headers['content-type'], typeof request.body === 'string' ? request.body : '');
      if (!body.ok) throw new HeraldError('validation_failed', `body: ${body.reason}`, [{ field: 'body', message: body.reason }]);
      const result = await unsubscribeRecipient(deps.store, recipientId, 'one-click');
      if (!result.ok) throw new HeraldError('not_found', 'no such unsubscribe link');
      request.log.info({ messageId: result.messageId, projectId: result.projectId }, 'recipient unsubscribed (one-click)');
      return sendPage(reply, 200, DONE_PAGE);
    });
  };
}

/** Every refusal of the scope (404, 400, 413, 415, 429, 503, …) as a page with its registry code, never JSON. */
const htmlRefusal: ErrorPresenter = (error: HeraldError, _request: FastifyRequest, reply: FastifyReply) => sendPage(reply, error.status, refusalPage(error.status, error.code));

export const UNSUBSCRIBE_PREFIX = UNSUBSCRIBE_PATH;
