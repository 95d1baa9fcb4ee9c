import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { getServers } from 'node:dns';
import { isIP, connect } from 'node:net';
import * as packet from 'dns-packet';

/**
 * Herald's stub resolver: asks recursive resolvers directly over UDP (EDNS0) and TCP, and returns
 * the answer with its TTLs and its rcode, which Node's dns.promises.Resolver does not expose for MX
 * and TXT. Caching and the mapping to Node's error codes live in cached-resolver.ts.
 */
export type QueryType = 'MX' | 'A' | 'AAAA' | 'TXT';

export type DnsAnswer =
  | { type: 'A' | 'AAAA'; data: string; ttl: number }
  | { type: 'MX'; data: { preference: number; exchange: string }; ttl: number }
  /** The record's character-strings, as bytes. */
  | { type: 'TXT'; data: Buffer[]; ttl: number };

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED' | `RCODE_${number}`;

export interface DnsReply {
  rcode: Rcode;
  /**
   * The records of the asked type, found by following the CNAME chain in the answer section from the
   * asked name. Each TTL is capped by the TTLs of the CNAMEs that led to it.
   */
  answers: DnsAnswer[];
  /** Seconds a negative answer may be cached: min(SOA TTL, SOA minimum) from the authority section. */
  negativeTtl?: number;
}

export interface DnsClient {
  /** Resolves with any rcode; rejects only when no server answered (ETIMEOUT, ECONNREFUSED, EBADRESP). */
  query(name: string, type: QueryType): Promise<DnsReply>;
}

export interface DnsClientOptions {
  /** "ip", "ip:port" or "[v6]:port"; empty: the system's servers (dns.getServers()). */
  servers: readonly string[];
  /** How long to wait for one server's answer (per attempt; a TCP fallback gets its own). */
  timeoutMs: number;
  /** Rounds over the server list. */
  tries: number;
  /** The EDNS0 UDP payload size offered (default 1232, the DNS Flag Day 2020 value). */
  udpPayloadSize?: number;
}

interface Server {
  host: string;
  port: number;
}

type Attempt =
  | { ok: true; reply: packet.DecodedPacket }
  | { ok: false; code: 'ETIMEOUT' | 'ECONNREFUSED' | 'EBADRESP'; message: string };

const RCODES: Record<number, Rcode> = { 0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED' };
const MAX_CNAME_HOPS = 16;

export function createDnsClient(options: DnsClientOptions): DnsClient {
  const system = getServers();
  // like c-ares, a machine without any configured resolver asks the local one
  const configured = options.servers.length > 0 ? options.servers : system.length > 0 ? system : ['127.0.0.1'];
  const servers = configured.map(parseServer);
  const tries = Math.max(1, options.tries);
  const udpPayloadSize = Math.max(512, options.udpPayloadSize ?? 1232);

  async function ask(server: Server, name: string, type: QueryType): Promise<Attempt> {
    let attempt = await overUdp(server, name, type, options.timeoutMs, udpPayloadSize);
    // a server that does not speak EDNS0 answers FORMERR (or NOTIMP): ask it again without the OPT record
    if (attempt.ok && (rcodeOf(attempt.reply) === 'FORMERR' || rcodeOf(attempt.reply) === 'NOTIMP')) {
      attempt = await overUdp(server, name, type, options.timeoutMs, null);
    }
    if (attempt.ok && attempt.reply.flag_tc) attempt = await overTcp(server, name, type, options.timeoutMs);
    return attempt;
  }

  return {
    async query(name, type) {
      const asked = name.replace(/\.$/, '');
      if (!isValidName(asked)) {
        throw Object.assign(new Error('not a valid domain name'), { code: 'EBADNAME', hostname: name });
      }
      // A server that answered SERVFAIL or REFUSED is not asked again; one that stayed silent is.
      const gaveUp = new Set<Server>();
      let failedAnswer: packet.DecodedPacket | null = null;
      let lastError: { code: string; message: string } | null = null;
      for (let round = 0; round < tries; round++) {
        for (const server of servers) {
          if (gaveUp.has(server)) continue;
          const attempt = await ask(server, asked, type);
          if (!attempt.ok) {
            lastError = attempt;
            continue;
          }
          const rcode = rcodeOf(attempt.reply);
          if (rcode === 'SERVFAIL' || rcode === 'REFUSED') {
            failedAnswer = attempt.reply;
            gaveUp.add(server);
            continue;
          }
          return toReply(attempt.reply, asked, type);
        }
      }
      if (failedAnswer) return toReply(failedAnswer, asked, type);
      const { code, message } = lastError ?? { code: 'ETIMEOUT', message: 'no DNS server answered' };
      throw Object.assign(new Error(message), { code, hostname: asked });
    },
  };
}

/** "ip", "ip:port", "[v6]:port" or a bare IPv6 address; port 53 by default. */
export function parseServer(entry: string): Server {
  if (isIP(entry) !== 0) return { host: entry, port: 53 };
  const match = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry) ?? /^([^:]+):(\d{1,5})$/.exec(entry);
  const host = match?.[1] ?? '';
  const port = Number(match?.[2] ?? 53);
  const family = entry.startsWith('[') ? 6 : 4;
  if (match && isIP(host) === family && port > 0 && port < 65536) return { host, port };
  throw new Error(`invalid DNS server "${entry}": expected an IP, IP:port or [IPv6]:port`);
}

function buildQuery(name: string, type: QueryType, udpPayloadSize: number | null): { id: number; message: Buffer } {
  const id = randomInt(0, 0x10000);
  const message = packet.encode({
    type: 'query',
    id,
    flags: packet.RECURSION_DESIRED,
    questions: [{ name, type, class: 'IN' }],
    additionals:
      udpPayloadSize === null
        ? []
        : [{ type: 'OPT', name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  });
  return { id, message };
}

/** The reply answers our question: same id, a response, the same question (names compared without case). */
function matches(reply: packet.DecodedPacket, id: number, name: string, type: QueryType): boolean {
  if (reply.id !== id || reply.type !== 'response') return false;
  const question = reply.questions?.[0];
  if (!question || reply.questions?.length !== 1) return false;
  return question.type === type && (question.class ?? 'IN') === 'IN' && sameName(question.name, name);
}

function decodeOrNull(message: Buffer): packet.DecodedPacket | null {
  try {
    return packet.decode(message);
  } catch {
    return null;
  }
}

function overUdp(server: Server, name: string, type: QueryType, timeoutMs: number, udpPayloadSize: number | null): Promise<Attempt> {
  const { id, message } = buildQuery(name, type, udpPayloadSize);
  // a fresh socket (random source port) per attempt; connected, so the kernel drops datagrams
  // from any other address and reports ICMP port-unreachable as ECONNREFUSED
  const socket = createSocket(isIP(server.host) === 6 ? 'udp6' : 'udp4');
  return new Promise<Attempt>((resolve) => {
    let done = false;
    const finish = (attempt: Attempt) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('message');
      socket.on('error', () => undefined);
      socket.close();
      resolve(attempt);
    };
    const timer = setTimeout(() => finish({ ok: false, code: 'ETIMEOUT', message: `no answer from ${label(server)} within ${timeoutMs} ms` }), timeoutMs);
    socket.on('message', (msg) => {
      const reply = decodeOrNull(msg);
      // a reply that does not match (spoofed, late answer to an earlier query, garbage) is ignored
      if (reply && matches(reply, id, name, type)) finish({ ok: true, reply });
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish({ ok: false, code: err.code === 'ECONNREFUSED' ? 'ECONNREFUSED' : 'EBADRESP', message: `${label(server)}: ${err.message}` }),
    );
    socket.connect(server.port, server.host, () => {
      if (!done) socket.send(message);
    });
  });
}

function overTcp(server: Server, name: string, type: QueryType, timeoutMs: number): Promise<Attempt> {
  const { id, message } = buildQuery(name, type, null);
  const framed = Buffer.alloc(2 + message.length);
  framed.writeUInt16BE(message.length, 0);
  message.copy(framed, 2);
  return new Promise<Attempt>((resolve) => {
    const socket = connect({ host: server.host, port: server.port });
    let buffer = Buffer.alloc(0);
    let done = false;
    const finish = (attempt: Attempt) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(attempt);
    };
    const timer = setTimeout(() => finish({ ok: false, code: 'ETIMEOUT', message: `no TCP answer from ${label(server)} within ${timeoutMs} ms` }), timeoutMs);
    socket.on('connect', () => socket.write(framed));
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        const length = buffer.readUInt16BE(0);
        const reply = decodeOrNull(buffer.subarray(2, 2 + length));
        buffer = buffer.subarray(2 + length);
        if (reply && matches(reply, id, name, type)) return finish({ ok: true, reply });
      }
    });
    socket.on('end', () => finish({ ok: false, code: 'EBADRESP', message: `${label(server)} closed the TCP connection without an answer` }));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish({ ok: false, code: err.code === 'ECONNREFUSED' ? 'ECONNREFUSED' : 'EBADRESP', message: `${label(server)} over TCP: ${err.message}` }),
    );
  });
}

function rcodeOf(reply: packet.DecodedPacket): Rcode {
  const low = (reply.flags ?? 0) & 0xf;
  const opt = reply.additionals?.find((a): a is packet.OptAnswer => a.type === 'OPT');
  const code = ((opt?.extendedRcode ?? 0) << 4) | low;
  return RCODES[code] ?? `RCODE_${code}`;
}

function toReply(reply: packet.DecodedPacket, name: string, type: QueryType): DnsReply {
  const records = reply.answers ?? [];
  const answers: DnsAnswer[] = [];
  let current = name;
  let chainTtl = Infinity;
  for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
    for (const record of records) {
      if (record.type !== type || !sameName(record.name, current)) continue;
      const answer = toAnswer(record, Math.min(record.ttl ?? 0, chainTtl));
      if (answer) answers.push(answer);
    }
    if (answers.length > 0) break;
    const alias = records.find((r): r is packet.StringAnswer => r.type === 'CNAME' && sameName(r.name, current));
    if (!alias) break;
    current = alias.data;
    chainTtl = Math.min(chainTtl, alias.ttl ?? 0);
  }
  const soa = (reply.authorities ?? []).find((r): r is packet.SoaAnswer => r.type === 'SOA');
  const result: DnsReply = { rcode: rcodeOf(reply), answers };
  if (soa) result.negativeTtl = Math.min(soa.ttl ?? 0, soa.data.minimum ?? 0);
  return result;
}

function toAnswer(record: packet.Answer, ttl: number): DnsAnswer | null {
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return { type: record.type, data: record.data, ttl };
    case 'MX':
      return { type: 'MX', data: { preference: record.data.preference ?? 0, exchange: record.data.exchange }, ttl };
    case 'TXT': {
      const strings = Array.isArray(record.data) ? record.data : [record.data];
      return { type: 'TXT', data: strings.map((s) => (typeof s === 'string' ? Buffer.from(s) : s)), ttl };
    }
    default:
      return null;
  }
}

/** Labels of 1 to 63 octets, at most 255 octets on the wire. */
function isValidName(name: string): boolean {
  if (name === '') return false;
  const labels = name.split('.');
  const octets = labels.reduce((sum, l) => sum + Buffer.byteLength(l) + 1, 1);
  return octets <= 255 && labels.every((l) => l.length > 0 && Buffer.byteLength(l) <= 63);
}

function sameName(a: string, b: string): boolean {
  return a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();
}

function label(server: Server): string {
  return server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`;
}
