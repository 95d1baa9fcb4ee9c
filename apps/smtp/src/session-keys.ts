import { hashApiKey, isWellFormedApiKey, resolveApiKeyHash, type KeyContext, type Log, type Store } from '@herald/core';
import { smtpError } from './smtp-reply.ts';

/** The reply to a transaction of a session whose key was revoked, expired or lost messages:send since AUTH. */
export const keyNoLongerValid = () =>
  smtpError(530, '5.7.0 Authentication required: the API key was revoked or has expired (or no longer has messages:send); log in again with a valid key');

/**
 * The API key each authenticated session logged in with, by session id. A session keeps the key's
 * hash, never the key, and looks the key up again (no cache: one grouped query, shared with every
 * other lookup under way) at each MAIL FROM and right before each commit, so that revoking a key, or
 * its expiry, stops sessions opened before it at their next transaction — and a message whose DATA
 * was under way when it happened is not stored.
 */
export class SessionKeys {
  private readonly sessions = new Map<string, { hash: string; context: KeyContext }>();

  constructor(
    private readonly store: Store,
    private readonly log: Log,
  ) {}

  /** The password's key when it may send (a live key with messages:send), with its hash; else null. */
  async login(password: string): Promise<{ hash: string; context: KeyContext } | null> {
    if (!isWellFormedApiKey(password)) return null;
    const hash = hashApiKey(password);
    const context = await this.sendingKey(hash);
    return context ? { hash, context } : null;
  }

  remember(sessionId: string, key: { hash: string; context: KeyContext }): void {
    this.sessions.set(sessionId, key);
  }

  /** Whether the session has logged in (whatever its key has become since). */
  has(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  /** The session's key as of its last check (the id a session limit is held for). */
  context(sessionId: string): KeyContext | undefined {
    return this.sessions.get(sessionId)?.context;
  }

  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  /**
   * The session's key looked up now: its current context, null when it may no longer send, undefined
   * when the session never logged in. Rejects when the database cannot be asked.
   */
  async current(sessionId: string): Promise<KeyContext | null | undefined> {
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    const context = await this.sendingKey(session.hash);
    if (context && this.sessions.get(sessionId) === session) session.context = context;
    return context;
  }

  private async sendingKey(hash: string): Promise<KeyContext | null> {
    const context = await resolveApiKeyHash(this.store, hash, this.log);
    return context && context.scopes.includes('messages:send') ? context : null;
  }
}
