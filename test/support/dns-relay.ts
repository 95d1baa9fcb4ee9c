import { createSocket, type Socket } from 'node:dgram';
import { connect, createServer, type Server } from 'node:net';

/**
 * A DNS forwarder on a fixed port (53 by default) in front of the test DNS server, which listens on a
 * port of its own choosing. Programs that resolve through libc (Postfix among them) read their
 * name servers from resolv.conf, which names addresses but never ports; this gives them one at
 * port 53 of a loopback address, and passes every query and answer through unchanged, over UDP and
 * over TCP (for truncated answers).
 */
export interface DnsRelay {
  host: string;
  port: number;
  close(): Promise<void>;
}

export async function startDnsRelay(options: { host: string; port?: number; upstream: { host: string; port: number } }): Promise<DnsRelay> {
  const port = options.port ?? 53;
  const { upstream } = options;

  const udp: Socket = createSocket('udp4');
  const pending = new Set<Socket>();
  udp.on('message', (query, client) => {
    // one upstream socket per query: answers find their way back without tracking ids
    const out = createSocket('udp4');
    pending.add(out);
    const done = () => {
      pending.delete(out);
      out.close();
    };
    const timer = setTimeout(done, 5000);
    out.on('message', (answer) => {
      clearTimeout(timer);
      udp.send(answer, client.port, client.address);
      done();
    });
    out.on('error', () => {
      clearTimeout(timer);
      done();
    });
    out.send(query, upstream.port, upstream.host);
  });
  udp.on('error', () => undefined);

  const tcp: Server = createServer((socket) => {
    const out = connect(upstream.port, upstream.host);
    socket.pipe(out).pipe(socket);
    socket.on('error', () => out.destroy());
    out.on('error', () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, options.host, () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, options.host, () => resolve());
  });
  return {
    host: options.host,
    port,
    close: async () => {
      for (const socket of pending) socket.close();
      udp.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
