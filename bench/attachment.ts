import { randomBytes } from 'node:crypto';
import type { AcceptTarget } from './accept.ts';
import { message } from './messages.ts';
import type { RssSampler } from './rss.ts';
import type { Sink } from './sink-client.ts';

export interface AttachmentResult {
  workerBefore: number;
  workerPeak: number;
  apiPeak: number;
  delivered: boolean;
}

/** One message with a 25 MB attachment, through the API to the MX, with the processes' RSS watched. */
export async function measureLargeAttachment(target: AcceptTarget, sink: Sink, rss: RssSampler): Promise<AttachmentResult> {
  rss.reset();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const workerBefore = rss.median('worker');
  rss.reset();
  const since = await sink.count();
  const content = randomBytes(25 * 1024 * 1024).toString('base64');
  const response = await fetch(`${target.apiUrl}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(message(target.from, 0, { attachments: [{ filename: 'large.bin', content, content_type: 'application/octet-stream' }] })),
  });
  if (response.status !== 202) throw new Error(`the 25 MB message answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  const deadline = Date.now() + 120_000;
  let delivered = false;
  while (!delivered && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    delivered = (await sink.arrivals(since)).some((a) => a.bytes > 25 * 1024 * 1024);
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return { workerBefore, workerPeak: rss.peak('worker'), apiPeak: rss.peak('api'), delivered };
}
