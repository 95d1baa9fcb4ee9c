import { syntheticReply } from '../delivery/outcome.ts';
import type { MxHost } from '../routing/resolve-mx.ts';
import type { SendTransaction, TransactionRequest, TransactionResult } from './send-transaction.ts';

export interface HostsAttempt {
  result: TransactionResult;
  mxHost: string | null;
  mxIp: string | null;
  durationMs: number;
}

/**
 * Tries the MX hosts in order (each of their addresses in turn) until one gives a session; a host that
 * refuses, is unreachable or times out before the greeting falls through to the next within the same
 * attempt (RFC 5321 §5.1). Once a server has answered the transaction, its replies stand.
 */
export async function deliverToHosts(
  send: SendTransaction,
  hosts: MxHost[],
  base: Omit<TransactionRequest, 'mxHost' | 'ip'>,
  clock: () => Date,
): Promise<HostsAttempt> {
  const started = clock().getTime();
  let last: HostsAttempt | null = null;
  for (const host of hosts) {
    for (const ip of host.addresses) {
      const result = await send({ ...base, mxHost: host.name, ip });
      last = { result, mxHost: host.name, mxIp: ip, durationMs: clock().getTime() - started };
      if (result.kind === 'session') return last;
    }
  }
  return (
    last ?? {
      result: { kind: 'no-session', reply: syntheticReply(451, '4.4.1', 'no mail host to connect to'), tls: null },
      mxHost: null,
      mxIp: null,
      durationMs: clock().getTime() - started,
    }
  );
}
