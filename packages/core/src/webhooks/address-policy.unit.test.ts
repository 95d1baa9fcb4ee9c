import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, classifyAddress, isAllowedHost, type AddressClass } from './address-policy.ts';

const table: [string, AddressClass][] = [
  // public
  ['8.8.8.8', 'public'],
  ['1.1.1.1', 'public'],
  ['2606:4700:4700::1111', 'public'],
  ['2001:4860:4860::8888', 'public'],
  // loopback
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['::1', 'loopback'],
  // RFC 1918
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  // link-local and cloud metadata
  ['169.254.169.254', 'link-local'],
  ['169.254.1.1', 'link-local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['fd00:ec2::254', 'link-local'],
  // carrier-grade NAT and unique local IPv6
  ['100.64.0.1', 'carrier-grade-nat'],
  ['100.127.255.255', 'carrier-grade-nat'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456:789a::1', 'unique-local'],
  // unspecified, broadcast, multicast
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['::', 'unspecified'],
  ['255.255.255.255', 'broadcast'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  // reserved and documentation
  ['192.0.2.10', 'documentation'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.99', 'documentation'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['192.0.0.8', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['240.0.0.1', 'reserved'],
  ['100::1', 'reserved'],
  ['::7f00:1', 'reserved'], // IPv4-compatible (deprecated)
  ['fec0::1', 'private'], // site-local (deprecated)
  // IPv4-mapped IPv6, judged by its IPv4
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:10.1.2.3', 'private'],
  ['::ffff:169.254.169.254', 'link-local'],
  ['::ffff:8.8.8.8', 'public'],
  // NAT64, 6to4 and Teredo embedding an IPv4 address
  ['64:ff9b::7f00:1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'link-local'],
  ['64:ff9b::808:808', 'public'],
  ['64:ff9b:1::a00:1', 'private'],
  ['2002:7f00:1::1', 'loopback'],
  ['2002:c0a8:101::1', 'private'],
  ['2002:808:808::1', 'public'],
  ['2001:0:808:808::80ff:fffe', 'loopback'], // client 127.0.0.1 (stored inverted)
  ['2001:0:a00:1::f7f7:f7f7', 'private'], // server 10.0.0.1
  ['2001:0:808:808::f7f7:f7f7', 'public'], // server 8.8.8.8, client 8.8.8.8
  // not addresses
  ['example.com', 'invalid'],
  ['127.1', 'invalid'],
  ['010.0.0.1', 'invalid'],
  ['', 'invalid'],
];

describe('classifyAddress', () => {
  it.each(table)('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('checkWebhookUrl', () => {
  const strict = { allowHttp: false, allowedHosts: [] };

  it('accepts https URLs with a host name, any port, a path and a query', () => {
    expect(checkWebhookUrl('https://hooks.example.com/herald?x=1', strict)).toBeNull();
    expect(checkWebhookUrl('https://hooks.example.com:8443/in', strict)).toBeNull();
    expect(checkWebhookUrl('https://8.8.8.8/in', strict)).toBeNull();
    expect(checkWebhookUrl('https://[2606:4700:4700::1111]:444/in', strict)).toBeNull();
  });

  it('refuses what does not parse, and schemes other than https', () => {
    expect(checkWebhookUrl('not a url', strict)).toMatch(/does not parse/);
    expect(checkWebhookUrl('http://hooks.example.com/', strict)).toMatch(/must use https/);
    expect(checkWebhookUrl('ftp://hooks.example.com/', strict)).toMatch(/must use https/);
    expect(checkWebhookUrl('file:///etc/passwd', strict)).toMatch(/must use https/);
  });

  it('accepts http only when the configuration allows it', () => {
    expect(checkWebhookUrl('http://hooks.example.com/', { allowHttp: true, allowedHosts: [] })).toBeNull();
    expect(checkWebhookUrl('ftp://hooks.example.com/', { allowHttp: true, allowedHosts: [] })).toMatch(/https or http/);
  });

  it('refuses user names, passwords and fragments, also an empty fragment', () => {
    expect(checkWebhookUrl('https://user@hooks.example.com/', strict)).toMatch(/user name or password/);
    expect(checkWebhookUrl('https://:secret@hooks.example.com/', strict)).toMatch(/user name or password/);
    expect(checkWebhookUrl('https://hooks.example.com/#x', strict)).toMatch(/fragment/);
    expect(checkWebhookUrl('https://hooks.example.com/#', strict)).toMatch(/fragment/);
  });

  it('refuses IP literals that are not public, in every spelling the URL parser accepts', () => {
    expect(checkWebhookUrl('https://127.0.0.1/', strict)).toMatch(/127\.0\.0\.1 is refused: loopback/);
    expect(checkWebhookUrl('https://2130706433/', strict)).toMatch(/127\.0\.0\.1 is refused: loopback/);
    expect(checkWebhookUrl('https://0x7f.1/', strict)).toMatch(/127\.0\.0\.1 is refused: loopback/);
    expect(checkWebhookUrl('https://169.254.169.254/latest/meta-data/', strict)).toMatch(/link-local/);
    expect(checkWebhookUrl('https://[::1]:8443/', strict)).toMatch(/::1 is refused: loopback/);
    expect(checkWebhookUrl('https://[::ffff:10.0.0.1]/', strict)).toMatch(/refused: private/);
    expect(checkWebhookUrl('https://[fd00:ec2::254]/', strict)).toMatch(/link-local/);
    expect(checkWebhookUrl('https://0.0.0.0/', strict)).toMatch(/unspecified/);
  });

  it('accepts a private IP literal that is listed in allowedHosts, whatever its spelling there', () => {
    expect(checkWebhookUrl('http://127.0.0.9:8080/', { allowHttp: true, allowedHosts: ['127.0.0.9'] })).toBeNull();
    expect(checkWebhookUrl('https://[::1]/', { allowHttp: false, allowedHosts: ['[0:0:0:0:0:0:0:1]'] })).toBeNull();
    expect(checkWebhookUrl('https://127.0.0.8/', { allowHttp: false, allowedHosts: ['127.0.0.9'] })).toMatch(/loopback/);
  });

  it('leaves host names to be judged by their addresses', () => {
    expect(checkWebhookUrl('https://localhost/', strict)).toBeNull();
    expect(checkWebhookUrl('https://internal.corp/', strict)).toBeNull();
  });
});

describe('isAllowedHost', () => {
  it('ignores case and a final dot of host names, and matches nothing else', () => {
    expect(isAllowedHost('Hooks.Internal.', ['hooks.internal'])).toBe(true);
    expect(isAllowedHost('hooks.internal', ['HOOKS.INTERNAL.'])).toBe(true);
    expect(isAllowedHost('evil-hooks.internal', ['hooks.internal'])).toBe(false);
    expect(isAllowedHost('sub.hooks.internal', ['hooks.internal'])).toBe(false);
  });
});
