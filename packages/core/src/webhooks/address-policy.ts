import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses a webhook may be sent to (SSRF defence). Only public unicast addresses are
 * allowed; everything a webhook URL could use to reach Herald's own network is refused with the
 * reason. IPv6 forms that carry an IPv4 address (IPv4-mapped, 6to4, Teredo, NAT64) are judged by
 * the IPv4 address inside them.
 */
export type AddressRefusal =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade-nat'
  | 'unique-local'
  | 'unspecified'
  | 'broadcast'
  | 'multicast'
  | 'documentation'
  | 'reserved'
  /** Not an IP address at all. */
  | 'invalid';

export type AddressClass = 'public' | AddressRefusal;

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
const cidr = (text: string): Range => ipaddr.parseCIDR(text);

/** First match wins; an IPv4 address in none of them is public. */
const IPV4_RANGES: readonly [Range, AddressRefusal][] = [
  [cidr('0.0.0.0/8'), 'unspecified'], // "this network" (RFC 791, 1122)
  [cidr('10.0.0.0/8'), 'private'], // RFC 1918
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('100.64.0.0/10'), 'carrier-grade-nat'], // RFC 6598
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('169.254.0.0/16'), 'link-local'], // RFC 3927; 169.254.169.254 is the cloud metadata service
  [cidr('192.0.0.0/24'), 'reserved'], // IETF protocol assignments (RFC 6890)
  [cidr('192.0.2.0/24'), 'documentation'], // TEST-NET-1 (RFC 5737)
  [cidr('198.51.100.0/24'), 'documentation'], // TEST-NET-2
  [cidr('203.0.113.0/24'), 'documentation'], // TEST-NET-3
  [cidr('192.88.99.0/24'), 'reserved'], // 6to4 relay anycast, deprecated (RFC 7526)
  [cidr('198.18.0.0/15'), 'reserved'], // benchmarking (RFC 2544)
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('255.255.255.255/32'), 'broadcast'],
  [cidr('240.0.0.0/4'), 'reserved'], // future use (RFC 1112)
];

/** IPv6 ranges that are refused outright, checked after the forms that embed IPv4. */
const IPV6_RANGES: readonly [Range, AddressRefusal][] = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('fd00:ec2::254/128'), 'link-local'], // the AWS metadata service's IPv6 address (inside fc00::/7)
  [cidr('fe80::/10'), 'link-local'],
  [cidr('fec0::/10'), 'private'], // site-local, deprecated (RFC 3879) but still routed inside some sites
  [cidr('fc00::/7'), 'unique-local'], // RFC 4193
  [cidr('ff00::/8'), 'multicast'],
  [cidr('64:ff9b:1::/48'), 'private'], // local-use IPv4/IPv6 translation (RFC 8215)
  [cidr('2001:db8::/32'), 'documentation'], // RFC 3849
  [cidr('3fff::/20'), 'documentation'], // RFC 9637
  [cidr('2001::/23'), 'reserved'], // IETF protocol assignments (RFC 2928); Teredo is handled before
];

/** Global unicast (RFC 4291): anything outside is unassigned or special (::/96, 100::/64, 5f00::/16…). */
const GLOBAL_UNICAST = cidr('2000::/3');
const IPV4_MAPPED = cidr('::ffff:0:0/96');
const IPV4_TRANSLATED = cidr('::ffff:0:0:0/96'); // RFC 6145
const NAT64 = cidr('64:ff9b::/96'); // RFC 6052 well-known prefix
const SIX_TO_FOUR = cidr('2002::/16'); // RFC 3056
const TEREDO = cidr('2001::/32'); // RFC 4380

/** 'public', or why a webhook may not be sent to `address` (an IPv4 or IPv6 address, no brackets). */
export function classifyAddress(address: string): AddressClass {
  if (isIP(address) === 0) return 'invalid';
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv4' ? classifyIPv4(parsed as ipaddr.IPv4) : classifyIPv6(parsed as ipaddr.IPv6);
}

function classifyIPv4(address: ipaddr.IPv4): AddressClass {
  for (const [range, reason] of IPV4_RANGES) if (address.match(range)) return reason;
  return 'public';
}

function classifyIPv6(address: ipaddr.IPv6): AddressClass {
  const p = address.parts as [number, number, number, number, number, number, number, number];
  const v4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  if (address.match(IPV4_MAPPED) || address.match(IPV4_TRANSLATED) || address.match(NAT64)) {
    return classifyIPv4(v4(p[6], p[7]));
  }
  if (address.match(SIX_TO_FOUR)) return classifyIPv4(v4(p[1], p[2]));
  if (address.match(TEREDO)) {
    // the Teredo server's address, then the client's public address (stored inverted)
    const server = classifyIPv4(v4(p[2], p[3]));
    return server !== 'public' ? server : classifyIPv4(v4(~p[6] & 0xffff, ~p[7] & 0xffff));
  }
  for (const [range, reason] of IPV6_RANGES) if (address.match(range)) return reason;
  return address.match(GLOBAL_UNICAST) ? 'public' : 'reserved';
}

export interface WebhookUrlPolicy {
  /** Plain http:// URLs are accepted (development only). */
  allowHttp: boolean;
  /** Host names or IP literals whose addresses may be private (named internal hosts; tests on loopback). */
  allowedHosts: readonly string[];
}

/**
 * Null when the URL may be used, or why not, for what is known without DNS: it must parse, be https
 * (http only when allowed), carry no user name, password or fragment, and an IP-literal host must be
 * public unless it is in allowedHosts. Any port is accepted.
 */
export function checkWebhookUrl(url: string, policy: WebhookUrlPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'the URL does not parse';
  }
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && policy.allowHttp)) {
    return policy.allowHttp ? 'the URL must use https or http' : 'the URL must use https';
  }
  if (parsed.username !== '' || parsed.password !== '') return 'the URL must not contain a user name or password';
  // an empty fragment ("…#") leaves hash empty but stays in href, where "#" cannot appear otherwise
  if (parsed.href.includes('#')) return 'the URL must not contain a fragment';
  const host = urlHost(parsed);
  if (host === '') return 'the URL has no host';
  if (isIP(host) !== 0 && !isAllowedHost(host, policy.allowedHosts)) {
    const reason = classifyAddress(host);
    if (reason !== 'public') return refusalMessage(host, reason);
  }
  return null;
}

/** The URL's host name or IP literal, without the brackets of an IPv6 literal. */
export function urlHost(url: URL): string {
  return url.hostname.startsWith('[') && url.hostname.endsWith(']') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Whether `host` is listed in allowedHosts (case, a final dot, brackets and IPv6 spelling ignored). */
export function isAllowedHost(host: string, allowedHosts: readonly string[]): boolean {
  const wanted = canonicalHost(host);
  return allowedHosts.some((allowed) => canonicalHost(allowed) === wanted);
}

/** Why an address is refused, in words for an attempt's error. */
export function refusalMessage(address: string, reason: AddressRefusal): string {
  return `address ${address} is refused: ${reason}`;
}

function canonicalHost(host: string): string {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return isIP(bare) !== 0 ? ipaddr.parse(bare).toString() : bare;
}
