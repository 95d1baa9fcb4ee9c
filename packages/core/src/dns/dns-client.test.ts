import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { createDnsClient, parseServer, type DnsClient, type DnsReply } from './dns-client.ts';

/** A name no other test in this file uses, so zone changes never leak between tests. */
function nameFor(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}.test`;
}

/** Each TXT record of a reply as its character-strings. */
function txtStrings(reply: DnsReply): string[][] {
  return reply.answers.map((a) => (a.type === 'TXT' ? a.data.map((b) => b.toString('latin1')) : []));
}

/** A loopback UDP port nothing listens on. */
async function closedPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string }> {
  return promise.then(
    () => ({ code: 'resolved' }),
    (err: unknown) => err as { code?: string },
  );
}

describe('the DNS client against a real DNS server', () => {
  let dns: TestDnsServer;
  let backup: TestDnsServer;
  let client: DnsClient;

  beforeAll(async () => {
    [dns, backup] = await Promise.all([startDnsServer(), startDnsServer()]);
    client = createDnsClient({ servers: [dns.address], timeoutMs: 1_000, tries: 1 });
  });

  afterEach(() => {
    dns.setSoa(null);
    dns.setEdns(true);
  });

  afterAll(async () => {
    await Promise.all([dns?.close(), backup?.close()]);
  });

  it('returns A, AAAA and MX records with the TTL each was published with', async () => {
    const name = nameFor('types');
    dns.set(name, [
      { type: 'A', address: '127.0.0.9', ttl: 300 },
      { type: 'AAAA', address: '::9', ttl: 120 },
      { type: 'MX', preference: 10, exchange: `mx.${name}`, ttl: 3600 },
    ]);

    expect(await client.query(name, 'A')).toEqual({ rcode: 'NOERROR', answers: [{ type: 'A', data: '127.0.0.9', ttl: 300 }] });
    expect(await client.query(name, 'AAAA')).toEqual({ rcode: 'NOERROR', answers: [{ type: 'AAAA', data: '::9', ttl: 120 }] });
    expect(await client.query(name, 'MX')).toEqual({
      rcode: 'NOERROR',
      answers: [{ type: 'MX', data: { preference: 10, exchange: `mx.${name}` }, ttl: 3600 }],
    });
  });

  it('returns each TXT record as its own character-strings, a record split into several strings staying one record', async () => {
    const name = nameFor('txt');
    dns.set(name, [{ type: 'TXT', value: ['v=spf1 ', 'include:spf.example -all'] }, { type: 'TXT', value: 'second' }]);

    const reply = await client.query(name, 'TXT');

    expect(txtStrings(reply)).toEqual([['v=spf1 ', 'include:spf.example -all'], ['second']]);
  });

  it('receives a 4096-bit DKIM key record over UDP, larger than 512 octets, by offering an EDNS0 payload size', async () => {
    const name = `s1._domainkey.${nameFor('dkim')}`;
    const value = `v=DKIM1; k=rsa; p=${'MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEA'.padEnd(736, 'x')}`;
    dns.set(name, [{ type: 'TXT', value }]);

    const reply = await client.query(name, 'TXT');

    expect(txtStrings(reply).map((strings) => strings.join(''))).toEqual([value]);
    expect(txtStrings(reply)[0]).toHaveLength(3);
    expect(dns.received.filter((q) => q.name === name)).toEqual([{ name, type: 'TXT', transport: 'udp', udpPayloadSize: 1232 }]);
  });

  it('asks again over TCP when the UDP answer comes back truncated', async () => {
    const name = nameFor('tcp');
    const value = 'k'.repeat(3000);
    dns.set(name, [{ type: 'TXT', value }]);

    const reply = await client.query(name, 'TXT');

    expect(txtStrings(reply).map((strings) => strings.join(''))).toEqual([value]);
    expect(dns.received.filter((q) => q.name === name).map((q) => q.transport)).toEqual(['udp', 'tcp']);
  });

  it('asks again without EDNS0 when the server answers FORMERR to a query carrying it', async () => {
    const name = nameFor('noedns');
    dns.set(name, [{ type: 'A', address: '127.0.0.10' }]);
    dns.setEdns(false);

    const reply = await client.query(name, 'A');

    expect(reply.answers).toEqual([{ type: 'A', data: '127.0.0.10', ttl: 60 }]);
    expect(dns.received.filter((q) => q.name === name).map((q) => q.udpPayloadSize)).toEqual([1232, null]);
  });

  it('follows a CNAME chain to the records of the asked type, capping their TTL by the TTLs of the chain', async () => {
    const name = nameFor('alias');
    dns.set(name, [{ type: 'CNAME', target: `middle.${name}`, ttl: 30 }]);
    dns.set(`middle.${name}`, [{ type: 'CNAME', target: `final.${name}`, ttl: 100 }]);
    dns.set(`final.${name}`, [{ type: 'A', address: '127.0.0.7', ttl: 300 }, { type: 'A', address: '127.0.0.8', ttl: 20 }]);

    const reply = await client.query(name, 'A');

    expect(reply).toEqual({
      rcode: 'NOERROR',
      answers: [
        { type: 'A', data: '127.0.0.7', ttl: 30 },
        { type: 'A', data: '127.0.0.8', ttl: 20 },
      ],
    });
  });

  it('returns no records when the end of a CNAME chain has none of the asked type', async () => {
    const name = nameFor('alias-nodata');
    dns.set(name, [{ type: 'CNAME', target: `final.${name}` }]);
    dns.set(`final.${name}`, [{ type: 'TXT', value: 'only text' }]);

    expect(await client.query(name, 'A')).toEqual({ rcode: 'NOERROR', answers: [] });
  });

  it('reports NXDOMAIN and NODATA with the negative TTL of the SOA, the smaller of its TTL and its minimum', async () => {
    const name = nameFor('negative');
    dns.set(name, [{ type: 'A', address: '127.0.0.11' }]);

    dns.setSoa({ ttl: 900, minimum: 120 });
    expect(await client.query(`missing.${name}`, 'A')).toEqual({ rcode: 'NXDOMAIN', answers: [], negativeTtl: 120 });
    dns.setSoa({ ttl: 30, minimum: 300 });
    expect(await client.query(name, 'MX')).toEqual({ rcode: 'NOERROR', answers: [], negativeTtl: 30 });
    dns.setSoa(null);
    expect(await client.query(`missing.${name}`, 'A')).toEqual({ rcode: 'NXDOMAIN', answers: [] });
  });

  it('reports SERVFAIL as the answer rather than as a failure to get one', async () => {
    const name = nameFor('servfail');
    dns.failWith(name, 'servfail');

    expect(await client.query(name, 'MX')).toEqual({ rcode: 'SERVFAIL', answers: [] });
  });

  it('rejects with ETIMEOUT after asking the silent server once per try', async () => {
    const name = nameFor('timeout');
    dns.failWith(name, 'timeout');
    const patient = createDnsClient({ servers: [dns.address], timeoutMs: 150, tries: 2 });

    const started = Date.now();
    const error = await rejection(patient.query(name, 'A'));

    expect(error.code).toBe('ETIMEOUT');
    expect(dns.queries.filter((q) => q.name === name)).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('asks the next server when the first does not answer in time', async () => {
    const name = nameFor('failover');
    dns.failWith(name, 'timeout');
    backup.set(name, [{ type: 'A', address: '127.0.0.12' }]);
    const twoServers = createDnsClient({ servers: [dns.address, backup.address], timeoutMs: 200, tries: 1 });

    const reply = await twoServers.query(name, 'A');

    expect(reply.answers).toEqual([{ type: 'A', data: '127.0.0.12', ttl: 60 }]);
    expect(dns.queries.filter((q) => q.name === name)).toHaveLength(1);
  });

  it('asks the next server after a SERVFAIL, and returns the SERVFAIL without asking again when all fail', async () => {
    const name = nameFor('servfail-both');
    dns.failWith(name, 'servfail');
    backup.failWith(name, 'servfail');
    const twoServers = createDnsClient({ servers: [dns.address, backup.address], timeoutMs: 500, tries: 3 });

    expect(await twoServers.query(name, 'A')).toEqual({ rcode: 'SERVFAIL', answers: [] });
    expect(dns.queries.filter((q) => q.name === name)).toHaveLength(1);
    expect(backup.queries.filter((q) => q.name === name)).toHaveLength(1);

    backup.failWith(name, null);
    backup.set(name, [{ type: 'A', address: '127.0.0.13' }]);
    expect((await twoServers.query(name, 'A')).answers).toEqual([{ type: 'A', data: '127.0.0.13', ttl: 60 }]);
  });

  it('rejects with ECONNREFUSED, without waiting for the timeout, when nothing listens on the server port', async () => {
    const refusing = createDnsClient({ servers: [`127.0.0.1:${await closedPort()}`], timeoutMs: 3_000, tries: 1 });

    const started = Date.now();
    const error = await rejection(refusing.query(nameFor('refused'), 'A'));

    expect(error.code).toBe('ECONNREFUSED');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('ignores a forged answer carrying another query id and takes the real answer that follows', async () => {
    const name = nameFor('spoof-id');
    dns.set(name, [{ type: 'A', address: '127.0.0.14' }]);
    dns.spoofFirst(name, 'id');

    expect(await client.query(name, 'A')).toEqual({ rcode: 'NOERROR', answers: [{ type: 'A', data: '127.0.0.14', ttl: 60 }] });
  });

  it('ignores a forged answer with the right id but another question', async () => {
    const name = nameFor('spoof-question');
    dns.set(name, [{ type: 'MX', preference: 5, exchange: `mx.${name}` }]);
    dns.spoofFirst(name, 'question');

    expect((await client.query(name, 'MX')).answers).toEqual([{ type: 'MX', data: { preference: 5, exchange: `mx.${name}` }, ttl: 60 }]);
  });

  it('reaches a server given as [IPv6]:port', async () => {
    const v6 = await startDnsServer('::1');
    try {
      const name = nameFor('v6');
      v6.set(name, [{ type: 'AAAA', address: '::1' }]);
      const overV6 = createDnsClient({ servers: [v6.address], timeoutMs: 1_000, tries: 1 });

      expect((await overV6.query(name, 'AAAA')).answers).toEqual([{ type: 'AAAA', data: '::1', ttl: 60 }]);
    } finally {
      await v6.close();
    }
  });

  it('reads server entries as ip, ip:port, [IPv6]:port or a bare IPv6 address, port 53 by default', () => {
    expect(parseServer('10.0.0.1')).toEqual({ host: '10.0.0.1', port: 53 });
    expect(parseServer('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353 });
    expect(parseServer('[::1]:5353')).toEqual({ host: '::1', port: 5353 });
    expect(parseServer('2001:db8::1')).toEqual({ host: '2001:db8::1', port: 53 });
    for (const bad of ['dns.example:53', '[10.0.0.1]:53', '127.0.0.1:70000', '::1:53x']) {
      expect(() => parseServer(bad)).toThrow(/invalid DNS server/);
    }
  });

  it('rejects a name with a label longer than 63 octets with EBADNAME, without sending it', async () => {
    const before = dns.queries.length;

    const error = await rejection(client.query(`${'a'.repeat(64)}.test`, 'A'));

    expect(error.code).toBe('EBADNAME');
    expect(dns.queries.length).toBe(before);
  });
});
