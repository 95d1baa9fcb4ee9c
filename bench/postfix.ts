import { generateKeyPairSync } from 'node:crypto';
import { buildMessage, newId } from '@herald/core';
import type { TestDnsServer } from '@herald/test/support/dns-server.ts';
import { freePort } from '@herald/test/support/herald-process.ts';
import { randomLoopback } from '@herald/test/support/mx-sink.ts';
import { requirePostfix, startPostfix, type PostfixInstance } from '@herald/test/support/postfix.ts';
import { withDescendants } from '@herald/test/support/proc.ts';
import { CpuMeter } from './cpu.ts';
import { message, ONE_DOMAIN } from './messages.ts';
import { startOpenDkim, type OpenDkim } from './opendkim.ts';
import type { Sink } from './sink-client.ts';
import { submitMessages, type Submission } from './smtp-submit.ts';

export interface PostfixRun {
  /** Postfix's version (mail_version). */
  version: string;
  messages: number;
  /** Messages delivered per second, from the first submission to the last arrival at the sink. */
  messagesPerSecond: number;
  missing: number;
  duplicates: number;
  /** Arrivals without a DKIM-Signature, and arrivals cut short. */
  unsigned: number;
  broken: number;
  /** The most connections Postfix held open to the sink at once (its default per-destination concurrency is 20). */
  peakConnections: number;
  /** CPU seconds by process group over the run: postfix (the master and its daemons), opendkim (with DKIM), sink, load generator. */
  cpu: Record<string, number>;
  /** The sink's samples of this run's messages, as they arrived. */
  samples: Buffer[];
}

/** With no arrival for this long, Postfix has deferred what is left (its default retry is minutes away): the run ends. */
const STALL_MS = 60_000;

/**
 * Postfix relaying the one-destination phase's messages to the same sink: a private Postfix with its
 * default settings except what running privately needs (test/support/postfix.ts), every message for
 * ONE_DOMAIN relayed to the sink's host:port (one destination, Postfix's default concurrency of 20
 * per destination, as Herald's default connection limit), and with `dkim` OpenDKIM as its milter
 * signing with a new RSA-2048 key whose public half is published in the bench's DNS (for verifying
 * samples). The messages are the ones Herald builds from the phase's API requests (the same MIME
 * builder, so the same size and structure), submitted over `connections` pipelining SMTP sessions
 * as fast as Postfix takes them. Postfix and OpenDKIM are stopped and their directories removed at
 * the end, also on failure or an interrupt.
 */
export async function measurePostfix(
  sink: Sink,
  options: { messages: number; connections: number; from: string; dkim: { selector: string; dns: TestDnsServer } | null },
): Promise<PostfixRun> {
  const version = requirePostfix();
  const domain = options.from.slice(options.from.indexOf('@') + 1);
  let openDkim: OpenDkim | undefined;
  let postfix: PostfixInstance | undefined;
  const stopAll = async () => {
    await postfix?.close();
    await openDkim?.stop();
  };
  // Postfix's master runs in a process group of its own (a Ctrl-C does not reach it): it is stopped here
  const interrupted = (signal: NodeJS.Signals) => void stopAll().finally(() => process.kill(process.pid, signal));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    if (options.dkim) {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      options.dkim.dns.set(`${options.dkim.selector}._domainkey.${domain}`, [{ type: 'TXT', value: `v=DKIM1; k=rsa; p=${p}` }]);
      openDkim = await startOpenDkim({
        host: randomLoopback(),
        port: await freePort(),
        domain,
        selector: options.dkim.selector,
        privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
    }
    postfix = await startPostfix({
      listen: randomLoopback(),
      port: await freePort(),
      hostname: 'postfix.bench.test',
      relayDomains: [ONE_DOMAIN],
      relayTo: { host: sink.oneHost, port: sink.port },
      ...(openDkim ? { milter: { host: openDkim.host, port: openDkim.port } } : {}),
      quickRetries: false,
      // as Debian's own main.cf has it, and as Herald delivers: STARTTLS where the server offers it (the sink does)
      main: { smtp_tls_security_level: 'may' },
    });
    const submissions = buildSubmissions(options.from, options.messages);
    const ids = new Set(submissions.map((s) => s.id));
    const master = postfix.pid;
    const dkimPid = openDkim?.pid;
    await sinkIdle(sink);
    const meter = new CpuMeter({
      postfix: () => withDescendants(master),
      ...(dkimPid ? { opendkim: () => [dkimPid] } : {}),
      sink: () => [sink.pid],
      'load generator': () => [process.pid],
    }).start();
    const since = await sink.count();
    const started = Date.now();
    await submitMessages(postfix, submissions, options.connections);
    let arrived = 0;
    let progressAt = Date.now();
    while (arrived < submissions.length && Date.now() - progressAt < STALL_MS) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const count = (await sink.count()) - since;
      if (count > arrived) progressAt = Date.now();
      arrived = count;
    }
    const cpu = meter.stop();
    const peakConnections = await sink.peakConnections(sink.oneHost);
    const arrivals = (await sink.arrivals(since)).filter((a) => ids.has(a.id));
    const seen = new Set(arrivals.map((a) => a.id));
    const last = arrivals.reduce((latest, a) => Math.max(latest, a.at), started);
    const samples = (await sink.samples()).filter((raw) => ids.has(/^Message-ID: *<(msg_[0-9A-Za-z]+)@/im.exec(raw.toString('latin1', 0, 16_384))?.[1] ?? ''));
    return {
      version,
      messages: submissions.length,
      messagesPerSecond: Math.round(seen.size / ((last - started) / 1_000)),
      missing: submissions.length - seen.size,
      duplicates: arrivals.length - seen.size,
      unsigned: arrivals.filter((a) => !a.signed).length,
      broken: arrivals.filter((a) => !a.whole).length,
      peakConnections,
      cpu,
      samples,
    };
  } catch (err) {
    const logged = postfix?.log().split('\n').slice(-20).join('\n') ?? '';
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nPostfix log:\n${logged}\nOpenDKIM:\n${openDkim?.output().slice(-2_000) ?? ''}`, { cause: err });
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await stopAll();
  }
}

/**
 * Waits until no connection to the one destination's address of the sink is left open (the previous
 * phase's idle sessions close after a few seconds), so that the sink's peak afterwards counts
 * Postfix's connections alone.
 */
async function sinkIdle(sink: Sink): Promise<void> {
  const deadline = Date.now() + 15_000;
  await sink.peakConnections(sink.oneHost);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if ((await sink.peakConnections(sink.oneHost)) === 0) return;
  }
}

/**
 * The one-destination phase's messages as Herald's intake builds them from the same API requests
 * (one recipient at ONE_DOMAIN, about 5 KB of text and HTML, the closing marker the sink checks),
 * each with a Message-ID the sink counts by.
 */
function buildSubmissions(from: string, count: number): (Submission & { id: string })[] {
  const domain = from.slice(from.indexOf('@') + 1);
  const date = new Date();
  return Array.from({ length: count }, (_, i) => {
    const request = message(from, 9_000_000 + i, { to: `user${i}@${ONE_DOMAIN}` }) as { to: string; subject: string; text: string; html: string };
    const id = newId('message');
    const raw = buildMessage({ from: { email: from }, to: [{ email: request.to }], subject: request.subject, text: request.text, html: request.html }, { messageId: `${id}@${domain}`, date });
    return { id, from, to: request.to, raw };
  });
}
