import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import * as packet from 'dns-packet';

/**
 * A real DNS server on loopback (UDP and TCP) serving a test zone that tests can change while it
 * runs. Names not in the zone answer NXDOMAIN, names in it without the asked type answer NODATA, and
 * names can be made to answer SERVFAIL or not at all (timeout).
 */
export type TestRecord =
  | { type: 'MX'; preference: number; exchange: string }
  | { type: 'A'; address: string }
  | { type: 'AAAA'; address: string }
  | { type: 'TXT'; value: string }
  | { type: 'CNAME'; target: string };

export interface TestDnsServer {
  host: string;
  port: number;
  /** "127.0.0.1:port", the form HERALD_DNS_SERVERS takes. */
  address: string;
  set(name: string, records: TestRecord[]): void;
  add(name: string, record: TestRecord): void;
  remove(name: string): void;
  failWith(name: string, behaviour: 'servfail' | 'timeout' | null): void;
  queries: { name: string; type: string }[];
  close(): Promise<void>;
}

const TTL = 60;

export async function startDnsServer(host = '127.0.0.1'): Promise<TestDnsServer> {
  const zone = new Map<string, TestRecord[]>();
  const failures = new Map<string, 'servfail' | 'timeout'>();
  const queries: { name: string; type: string }[] = [];
  const key = (name: string) => name.toLowerCase().replace(/\.$/, '');

  function answer(query: packet.Packet): Buffer | null {
    const question = query.questions?.[0];
    const base = { id: query.id, type: 'response' as const, questions: query.questions ?? [] };
    if (!question) return packet.encode({ ...base, flags: packet.RECURSION_DESIRED | 2 });
    const name = key(question.name);
    queries.push({ name, type: question.type });
    const failure = failures.get(name);
    if (failure === 'timeout') return null;
    if (failure === 'servfail') return packet.encode({ ...base, flags: 2 /* SERVFAIL */ });
    const records = zone.get(name);
    const exists = records !== undefined || [...zone.keys()].some((n) => n.endsWith(`.${name}`));
    if (!exists) return packet.encode({ ...base, flags: packet.AUTHORITATIVE_ANSWER | 3 /* NXDOMAIN */ });
    const answers: packet.Answer[] = [];
    for (const record of records ?? []) {
      if (record.type === 'CNAME') {
        answers.push({ name, type: 'CNAME', ttl: TTL, data: record.target });
      } else if (record.type === question.type) {
        answers.push(toAnswer(name, record));
      }
    }
    return packet.encode({ ...base, flags: packet.AUTHORITATIVE_ANSWER, answers });
  }

  const udp: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  udp.on('message', (msg, rinfo) => {
    try {
      const response = answer(packet.decode(msg));
      if (response) udp.send(response, rinfo.port, rinfo.address);
    } catch {
      // malformed query: ignore
    }
  });
  await new Promise<void>((resolve) => udp.bind(0, host, () => resolve()));
  const port = udp.address().port;

  const tcp: Server = createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2) {
        const length = buffer.readUInt16BE(0);
        if (buffer.length < 2 + length) break;
        const message = buffer.subarray(2, 2 + length);
        buffer = buffer.subarray(2 + length);
        try {
          const response = answer(packet.decode(message));
          if (response) {
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
  await new Promise<void>((resolve) => tcp.listen(port, host, () => resolve()));

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
    queries,
    close: async () => {
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

function toAnswer(name: string, record: TestRecord): packet.Answer {
  switch (record.type) {
    case 'MX':
      return { name, type: 'MX', ttl: TTL, data: { preference: record.preference, exchange: record.exchange } };
    case 'A':
      return { name, type: 'A', ttl: TTL, data: record.address };
    case 'AAAA':
      return { name, type: 'AAAA', ttl: TTL, data: record.address };
    case 'TXT':
      // split into 255-octet character-strings, as a real zone does
      return { name, type: 'TXT', ttl: TTL, data: record.value.match(/.{1,255}/gs) ?? [''] };
    case 'CNAME':
      return { name, type: 'CNAME', ttl: TTL, data: record.target };
  }
}
