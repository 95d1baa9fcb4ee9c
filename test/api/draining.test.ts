import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, type TestApi } from '../support/api-app.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an API that is shutting down', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await buildTestApi();
  });
  afterAll(() => api.close().catch(() => undefined));

  it('answers a request that arrives on an open connection while it drains with 503 service_unavailable in Herald shape, Retry-After and Connection: close', async () => {
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = api.app.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    // a request whose body is still arriving keeps the connection busy, so closing does not drop it
    socket.write('GET /healthz HTTP/1.1\r\nHost: herald.test\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{');
    await pause(100);
    const closing = api.app.close();
    await pause(100);
    socket.write('}GET /healthz HTTP/1.1\r\nHost: herald.test\r\n\r\n');
    await ended;
    await closing;

    const answers = Buffer.concat(received).toString('utf8').split(/(?=HTTP\/1\.1 )/);
    expect(answers).toHaveLength(2);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 200 /);
    const second = answers[1] as string;
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'service_unavailable', message: 'the server is shutting down; retry the request' },
    });
  });
});
