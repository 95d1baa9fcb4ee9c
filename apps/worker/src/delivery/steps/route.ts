import { parseRelayUrl, relayDestination, type RelayTarget } from '../../routing/relay.ts';
import { resolveMx } from '../../routing/resolve-mx.ts';
import { applyPolicyToHosts } from '../../tls-policy/apply-policy.ts';
import { syntheticReply } from '@herald/core';
import { CONTINUE, decideAll, loadedMessage, type DeliveryDeps, type LoadedMessage, type Step } from '../attempt.ts';

/**
 * Where this attempt goes: nowhere in test mode; the project's relay, else the configured relay; else
 * the recipient domain's MX hosts — restricted, when the domain publishes an MTA-STS policy in
 * `enforce` mode, to the hosts the policy names, with TLS and a valid certificate required.
 */
export const route: Step = async (deps, attempt) => {
  const message = loadedMessage(attempt);
  if (message.test) {
    attempt.route = { kind: 'test' };
    return CONTINUE;
  }
  const relay = relayFor(deps, message);
  if (relay) {
    const destination = await relayDestination(relay, deps.resolver);
    if (destination.addresses.length === 0) {
      return decideAll(attempt, syntheticReply(451, '4.4.3', `relay host ${relay.host} does not resolve`));
    }
    attempt.route = { kind: 'smtp', destinations: [destination] };
    return CONTINUE;
  }

  const domain = attempt.job.domain;
  const mx = await resolveMx(deps.resolver, domain, deps.random);
  // a DNS failure keeps its category: NXDOMAIN is not a bad mailbox, nor SERVFAIL a network failure
  if (!mx.ok) return decideAll(attempt, mx.reply, { category: mx.category });
  const sts = deps.tlsPolicy ? await deps.tlsPolicy.policyFor(domain) : null;
  if (sts?.problem) deps.log.warn({ domain, problem: sts.problem }, 'MTA-STS policy lookup problem');
  const policy = sts?.policy ?? null;
  const { allowed: hosts, mismatched } = applyPolicyToHosts(policy, mx.hosts);
  const tls = policy?.mode === 'enforce' ? ('required' as const) : ('opportunistic' as const);
  if (mismatched.length > 0) {
    deps.log.warn({ domain, mode: policy?.mode, hosts: mismatched.map((h) => h.name) }, 'MX hosts outside the MTA-STS policy');
  }
  if (hosts.length === 0) {
    // RFC 8461 §5: a temporary failure, never a delivery elsewhere
    return decideAll(attempt, syntheticReply(451, '4.7.5', `no MX host of ${domain} matches its MTA-STS policy (enforce)`));
  }
  attempt.route = {
    kind: 'smtp',
    destinations: hosts.map((h) => ({ name: h.name, addresses: h.addresses, port: deps.settings.mxPort, tls, implicitTls: false })),
  };
  return CONTINUE;
};

function relayFor(deps: DeliveryDeps, message: LoadedMessage): RelayTarget | null {
  if (message.projectRelay) return parseRelayUrl(message.projectRelay);
  return deps.relay ?? null;
}
