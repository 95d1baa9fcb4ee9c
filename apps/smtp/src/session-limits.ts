/**
 * Limits the listener keeps in memory (per process): connections per client address, authenticated
 * sessions per key, and failed AUTH attempts per client address over a sliding window.
 */
export class SessionLimits {
  private readonly connections = new Map<string, number>();
  private readonly keySessions = new Map<string, number>();
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limits: { perIp: number; perKey: number; authFailures: number; failureWindowMs?: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** False when the address already holds its share of connections. */
  openConnection(ip: string): boolean {
    const open = this.connections.get(ip) ?? 0;
    if (open >= this.limits.perIp) return false;
    this.connections.set(ip, open + 1);
    return true;
  }

  closeConnection(ip: string, key: string | null): void {
    this.decrement(this.connections, ip);
    if (key) this.decrement(this.keySessions, key);
  }

  /** False when the key already holds its share of sessions. */
  openKeySession(key: string): boolean {
    const open = this.keySessions.get(key) ?? 0;
    if (open >= this.limits.perKey) return false;
    this.keySessions.set(key, open + 1);
    return true;
  }

  /** Whether the address has used up its failed AUTH attempts for now. */
  authBlocked(ip: string): boolean {
    return this.recentFailures(ip).length >= this.limits.authFailures;
  }

  authFailed(ip: string): void {
    this.failures.set(ip, [...this.recentFailures(ip), this.now()]);
  }

  private recentFailures(ip: string): number[] {
    const since = this.now() - (this.limits.failureWindowMs ?? 10 * 60_000);
    const recent = (this.failures.get(ip) ?? []).filter((t) => t > since);
    if (recent.length) this.failures.set(ip, recent);
    else this.failures.delete(ip);
    return recent;
  }

  private decrement(map: Map<string, number>, key: string): void {
    const value = (map.get(key) ?? 1) - 1;
    if (value > 0) map.set(key, value);
    else map.delete(key);
  }
}
