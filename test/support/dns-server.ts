import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import * as packet from 'dns-packet';

/**
 * A real DNS server on loopback (UDP and TCP) serving a test zone that tests can change while it
 * runs. Names not in the zone answer NXDOMAIN, names in it without the asked type answer NODATA, and
 * names can be made to answer SERVFAIL or not at all (timeout). CNAMEs are followed inside the zone,
 * as a recursive resolver would. A UDP answer larger than the asker's EDNS0 payload size (512 without
 * EDNS0) is truncated (TC), so the asker has to come back over TCP.
 */
export type TestRecord = (
  | { type: 'MX'; preference: number; exchange: string }
  | { type: 'A'; address: string }
  | { type: 'AAAA'; address: string }
  /** A string is split into 255-octet character-strings, as a zone file does; an array gives them. */
  | { type: 'TXT'; value: string | readonly string[] }
  | { type: 'CNAME'; target: string }
) & {
  /** Seconds; 60 when not given. */
  ttl?: number;
};

/** One query as it arrived. */
export interface ReceivedQuery {
  name: string;
  type: string;
  transport: 'udp' | 'tcp';
  /** The EDNS0 UDP payload size the asker offered; null without EDNS0. */
  udpPayloadSize: number | null;
}

export interface TestDnsServer {
  host: string;
  port: number;
  /** "127.0.0.1:port", the form HERALD_DNS_SERVERS takes. */
  address: string;
  set(name: string, records: TestRecord[]): void;
  add(name: string, record: TestRecord): void;
  remove(name: string): void;
  failWith(name: string, behaviour: 'servfail' | 'timeout' | null): void;
  /**
   * Before the real UDP answer for `name`, send a forged NXDOMAIN answer: with another query id
   * ('id') or with the right id but another question ('question'). null stops it.
   */
  spoofFirst(name: string, kind: 'id' | 'question' | null): void;
  /**
   * The SOA put in the authority section of NXDOMAIN and NODATA answers (the negative-caching TTL is
   * the smaller of its TTL and its minimum); null (the default) sends none.
   */
  setSoa(soa: { ttl: number; minimum: number } | null): void;
  /** false: answer FORMERR to queries carrying EDNS0, as a server from before RFC 6891 does. */
  setEdns(supported: boolean): void;
  queries: { name: string; type: string }[];
  /** The same queries, with how they came. */
  received: ReceivedQuery[];
  close(): Promise<void>;
}

const TTL = 60;
const MAX_CNAME_HOPS = 8;

export async function startDnsServer(host = '127.0.0.1'): Promise<TestDnsServer> {
  const zone = new Map<string, TestRecord[]>();
  const failures = new Map<string, 'servfail' | 'timeout'>();
  const spoofs = new Map<string, 'id' | 'question'>();
  let soa: { ttl: number; minimum: number } | null = null;
  let edns = true;
  const queries: { name: string; type: string }[] = [];
  const received: ReceivedQuery[] = [];
  const key = (name: string) => name.toLowerCase().replace(/\.$/, '');
  const exists = (name: string) => zone.has(name) || [...zone.keys()].some((n) => n.endsWith(`.${name}`));

  /** The answer to a query, as a packet (null: stay silent); `transport` is only logged. */
  function respond(query: packet.Packet, transport: 'udp' | 'tcp'): packet.Packet | null {
    const question = query.questions?.[0];
    const opt = query.additionals?.find((a): a is packet.OptAnswer => a.type === 'OPT');
    const base = { id: query.id, type: 'response' as const, questions: query.questions ?? [] };
    if (!question) return { ...base, flags: packet.RECURSION_DESIRED | 2 };
    const name = key(question.name);
    queries.push({ name, type: question.type });
    received.push({ name, type: question.type, transport, udpPayloadSize: opt ? opt.udpPayloadSize : null });
    if (opt && !edns) return { ...base, flags: 1 /* FORMERR */ };
    const failure = failures.get(name);
    if (failure === 'timeout') return null;
    if (failure === 'servfail') return { ...base, flags: 2 /* SERVFAIL */ };
    const additionals: packet.Answer[] = opt
      ? [{ type: 'OPT', name: '.', udpPayloadSize: 1232, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }]
      : [];
    const answers: packet.Answer[] = [];
    const negative = (rcode: number): packet.Packet => ({
      ...base,
      flags: packet.AUTHORITATIVE_ANSWER | rcode,
      answers,
      additionals,
      authorities: soa ? [soaRecord(name, soa)] : [],
    });
    // follow CNAMEs inside the zone, as a recursive resolver answering for the whole chain would
    let current = name;
    for (let hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
      if (!exists(current)) return negative(3 /* NXDOMAIN */);
      const records = zone.get(current) ?? [];
      const alias = records.find((r): r is Extract<TestRecord, { type: 'CNAME' }> => r.type === 'CNAME');
      if (!alias || question.type === 'CNAME') {
        for (const record of records) if (record.type === question.type) answers.push(toAnswer(current, record));
        break;
      }
      answers.push(toAnswer(current, alias));
      current = key(alias.target);
    }
    if (!answers.some((a) => a.type === question.type)) return negative(0 /* NODATA */);
    return { ...base, flags: packet.AUTHORITATIVE_ANSWER, answers, additionals };
  }

  function answerUdp(msg: Buffer): Buffer[] {
    const query = packet.decode(msg);
    const response = respond(query, 'udp');
    if (!response) return [];
    const opt = query.additionals?.find((a): a is packet.OptAnswer => a.type === 'OPT');
    let encoded = packet.encode(response);
    if (encoded.length > Math.max(512, opt?.udpPayloadSize ?? 512)) {
      encoded = packet.encode({ ...response, flags: (response.flags ?? 0) | packet.TRUNCATED_RESPONSE, answers: [], authorities: [] });
    }
    const spoof = spoofs.get(key(query.questions?.[0]?.name ?? ''));
    if (!spoof) return [encoded];
    const forged = packet.encode({
      ...response,
      id: spoof === 'id' ? ((query.id ?? 0) + 1) & 0xffff : query.id,
      questions: (query.questions ?? []).map((q) => (spoof === 'question' ? { ...q, name: `forged.${q.name}` } : q)),
      flags: packet.AUTHORITATIVE_ANSWER | 3 /* NXDOMAIN */,
      answers: [],
    });
    return [forged, encoded];
  }

  const makeUdp = (): Socket => {
    const udp: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    udp.on('message', (msg, rinfo) => {
    try {
      for (const response of answerUdp(msg)) udp.send(response, rinfo.port, rinfo.address);
    } catch {
      // malformed query: ignore
    }
  });
    return udp;
  };

  const makeTcp = (): Server => createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2) {
        const length = buffer.readUInt16BE(0);
        if (buffer.length < 2 + length) break;
        const message = buffer.subarray(2, 2 + length);
        buffer = buffer.subarray(2 + length);
        try {
          const answered = respond(packet.decode(message), 'tcp');
          if (answered) {
            const response = packet.encode(answered);
            const framed = Buffer.alloc(2 + response.length);
            framed.writeUInt16BE(response.length, 0);
            response.copy(framed, 2);
            socket.write(framed);
          }
        } catch {
          socket.destroy();
        }
      }
    });
    socket.on('error', () => undefined);
  });

  // UDP and TCP on the same port: a port free for UDP may be taken for TCP, so try again until both bind
  let udp!: Socket;
  let tcp!: Server;
  let port = 0;
  for (let tries = 0; ; tries++) {
    udp = makeUdp();
    await new Promise<void>((resolve) => udp.bind(0, host, () => resolve()));
    port = udp.address().port;
    tcp = makeTcp();
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    if (listening) break;
    udp.close();
    if (tries >= 20) throw new Error('the test DNS server found no port free for both UDP and TCP');
  }

  return {
    host,
    port,
    address: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    set: (name, records) => void zone.set(key(name), [...records]),
    add: (name, record) => void zone.set(key(name), [...(zone.get(key(name)) ?? []), record]),
    remove: (name) => void zone.delete(key(name)),
    failWith: (name, behaviour) => {
      if (behaviour) failures.set(key(name), behaviour);
      else failures.delete(key(name));
    },
    spoofFirst: (name, kind) => {
      if (kind) spoofs.set(key(name), kind);
      else spoofs.delete(key(name));
    },
    setSoa: (value) => {
      soa = value;
    },
    setEdns: (supported) => {
      edns = supported;
    },
    queries,
    received,
    close: async () => {
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

function toAnswer(name: string, record: TestRecord): packet.Answer {
  const ttl = record.ttl ?? TTL;
  switch (record.type) {
    case 'MX':
      return { name, type: 'MX', ttl, data: { preference: record.preference, exchange: record.exchange } };
    case 'A':
      return { name, type: 'A', ttl, data: record.address };
    case 'AAAA':
      return { name, type: 'AAAA', ttl, data: record.address };
    case 'TXT':
      // a string is split into 255-octet character-strings, as a real zone does
      return { name, type: 'TXT', ttl, data: typeof record.value === 'string' ? (record.value.match(/.{1,255}/gs) ?? ['']) : [...record.value] };
    case 'CNAME':
      return { name, type: 'CNAME', ttl, data: record.target };
  }
}

/** The SOA of the zone the name is in (here: its top-level label). */
function soaRecord(name: string, soa: { ttl: number; minimum: number }): packet.Answer {
  const apex = name.split('.').pop() ?? '.';
  return {
    name: apex,
    type: 'SOA',
    ttl: soa.ttl,
    data: { mname: `ns.${apex}`, rname: `hostmaster.${apex}`, serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: soa.minimum },
  };
}
