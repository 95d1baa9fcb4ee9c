import { startDnsServer, type TestDnsServer, type TestRecord } from './dns-server.ts';
import { heraldEnv, uniqueName, uniquePrefix } from './env.ts';
import { freePort, runHerald, startHerald, type HeraldProcess } from './herald-process.ts';
import { startMxSink, type MxSink, type ReceivedMessage, type SinkBehaviour } from './mx-sink.ts';
import { throwawayDatabase } from './throwaway-database.ts';
import { waitFor } from './wait-for.ts';

/** GET /v1/messages/{id}, as far as end-to-end tests read it. */
export interface MessageView {
  id: string;
  status: string;
  subject: string;
  from: { email: string; name: string | null };
  message_id: string;
  tags: string[];
  metadata: Record<string, string>;
  recipients: { email: string; kind: string; status: string; attempts: number; next_attempt_at: string | null }[];
  events: {
    type: string;
    recipient: string;
    smtp: { code: number; enhanced_code: string | null; message: string } | null;
    mx_host: string | null;
    mx_ip: string | null;
    tls: { version: string } | null;
  }[];
}

export interface HeraldStackOptions {
  /** Names the project, the domains and the queue prefix (default "stack"). */
  label?: string;
  /** How the recipient MX answers; the sink's `behaviour` can also be changed while the stack runs. */
  sink?: SinkBehaviour;
  /** Extra environment for the API and worker processes (and the CLI). */
  env?: Record<string, string | number>;
  /** Also run the SMTP submission listener (`herald start smtp`) on free ports. */
  smtp?: boolean;
  /** A database URL to use instead of a throwaway database on the test server (fault tests). */
  databaseUrl?: string;
  /** A Redis URL to use instead of the test Redis (fault tests). */
  redisUrl?: string;
  /** Worker processes to start (default 1). */
  workers?: number;
  /**
   * Also run the inbound MX (`herald start inbound`); its address and port come from `env`
   * (HERALD_INBOUND_HOST, HERALD_INBOUND_PORT).
   */
  inbound?: boolean;
  /** Records published in the test zone before the sending domain is verified (a return-path CNAME, say). */
  zone?: (names: { senderDomain: string; recipientDomain: string }) => [string, TestRecord[]][];
}

export interface SendInit {
  /** Another API key than the project's (default: the key the CLI printed). */
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface HeraldStack {
  dns: TestDnsServer;
  /** The recipient domain's MX. */
  sink: MxSink;
  apiUrl: string;
  apiKey: string;
  projectId: string;
  /** The project's sending domain, its DKIM record published in `dns`. */
  senderDomain: string;
  /** A domain whose MX record points at `sink`. */
  recipientDomain: string;
  env: NodeJS.ProcessEnv;
  /** The stack's own database (dropped by stop()). */
  databaseUrl: string;
  api: HeraldProcess;
  /** The first worker. */
  worker: HeraldProcess;
  /** Every worker process started so far, live or not. */
  workers: HeraldProcess[];
  /** Starts one more `herald start <role>` with the stack's environment (stopped by stop()). */
  start(role: 'api' | 'worker'): Promise<HeraldProcess>;
  /** The SMTP listener's STARTTLS and implicit-TLS ports, when started. */
  smtp: { port: number; tlsPort: number } | null;
  /** POST /v1/messages with the body as JSON. */
  send(body: Record<string, unknown>, init?: SendInit): Promise<Response>;
  /** GET /v1/messages/{id}; throws unless it answers 200. */
  getMessage(id: string): Promise<MessageView>;
  /** Polls GET /v1/messages/{id} until the message has the status. */
  waitForStatus(id: string, status: string): Promise<MessageView>;
  /** Every message the sink accepted whose Message-ID is the one Herald gives message `id`. */
  receivedCopies(id: string): ReceivedMessage[];
  /** Waits until the sink has accepted message `id`, and returns the first copy. */
  waitForReceived(id: string): Promise<ReceivedMessage>;
  /** Stops the processes, then the sink and the DNS server. */
  stop(): Promise<void>;
}

/**
 * Herald as a user runs it, on loopback: a real DNS server, an SMTP sink as the recipient domain's MX,
 * a project and a sending domain created with the CLI (the DKIM TXT record it prints published in the
 * test zone), and `herald start api` and `herald start worker` as separate OS processes.
 */
export async function startHeraldStack(options: HeraldStackOptions = {}): Promise<HeraldStack> {
  const label = options.label ?? 'stack';
  const cleanups: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    const dns = await startDnsServer();
    cleanups.push(() => dns.close());
    const sink = await startMxSink({ behaviour: options.sink ?? {} });
    cleanups.push(() => sink.close());

    const senderDomain = `${uniqueName(label)}.example`;
    const recipientDomain = `${uniqueName('rcpt')}.test`;
    dns.set(recipientDomain, [{ type: 'MX', preference: 10, exchange: `mx1.${recipientDomain}` }]);
    dns.set(`mx1.${recipientDomain}`, [{ type: 'A', address: sink.host }]);

    // a database of its own: the worker's background jobs (domain re-verification, webhooks, …) then
    // only ever see this stack's data, never that of test files running alongside
    const database = options.databaseUrl ? null : throwawayDatabase(label.replace(/[^a-z0-9]/gi, '_'));
    if (database) cleanups.push(() => database.drop());
    const databaseUrl = options.databaseUrl ?? (database as { url: string }).url;
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const smtp = options.smtp ? { port: await freePort(), tlsPort: await freePort() } : null;
    const env = heraldEnv({
      DATABASE_URL: databaseUrl,
      ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
      HERALD_API_PORT: port,
      HERALD_QUEUE_PREFIX: uniquePrefix(label),
      HERALD_DNS_SERVERS: dns.address,
      HERALD_MX_PORT: sink.port,
      ...(smtp ? { HERALD_SMTP_PORT: smtp.port, HERALD_SMTPS_PORT: smtp.tlsPort, HERALD_SMTP_HOSTNAME: 'submission.herald.test' } : {}),
      ...options.env,
    });
    const migrated = await runHerald(['migrate'], env);
    if (migrated.code !== 0) throw new Error(`herald migrate exited ${migrated.code}:\n${migrated.stderr}`);
    const { apiKey, projectId } = await createProject(uniqueName(label), env);
    dns.set(...(await addDomain(projectId, senderDomain, env)));
    for (const [name, records] of options.zone?.({ senderDomain, recipientDomain }) ?? []) dns.set(name, records);
    await verifyDomain(projectId, senderDomain, env);

    const workerCount = options.workers ?? 1;
    const processes = await Promise.allSettled([
      startHerald('api', env),
      ...Array.from({ length: workerCount }, () => startHerald('worker', env)),
      ...(smtp ? [startHerald('smtp', env)] : []),
      ...(options.inbound ? [startHerald('inbound', env)] : []),
    ]);
    for (const started of processes) if (started.status === 'fulfilled') cleanups.push(() => started.value.stop());
    const [api, ...rest] = processes.map((p) => {
      if (p.status === 'rejected') throw p.reason;
      return p.value;
    }) as [HeraldProcess, ...HeraldProcess[]];
    const workers = rest.slice(0, workerCount);
    const start = async (role: 'api' | 'worker') => {
      const started = await startHerald(role, env);
      cleanups.push(() => started.stop());
      if (role === 'worker') workers.push(started);
      return started;
    };

    const send = (body: Record<string, unknown>, init: SendInit = {}) =>
      fetch(`${apiUrl}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${init.apiKey ?? apiKey}`, 'content-type': 'application/json', ...init.headers },
        body: JSON.stringify(body),
      });
    const getMessage = async (id: string): Promise<MessageView> => {
      const response = await fetch(`${apiUrl}/v1/messages/${id}`, { headers: { authorization: `Bearer ${apiKey}` } });
      if (response.status !== 200) throw new Error(`GET /v1/messages/${id} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as MessageView;
    };
    const messageIdHeader = (id: string) => `Message-ID: <${id}@${senderDomain}>`;
    const receivedCopies = (id: string) => sink.received.filter((m) => m.raw.toString('latin1').includes(messageIdHeader(id)));

    return {
      dns, sink, apiUrl, apiKey, projectId, senderDomain, recipientDomain, env, api, worker: workers[0] as HeraldProcess, workers, start, smtp, databaseUrl,
      send,
      getMessage,
      waitForStatus: (id, status) =>
        waitFor(`message ${id} to be ${status}`, async () => {
          const message = await getMessage(id);
          return message.status === status ? message : null;
        }),
      receivedCopies,
      waitForReceived: (id) => waitFor(`the MX to receive message ${id}`, () => receivedCopies(id)[0]),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** `herald project create`: the project's id and the API key it prints once. */
export async function createProject(name: string, env: NodeJS.ProcessEnv): Promise<{ apiKey: string; projectId: string }> {
  const project = await runHerald(['project', 'create', name], env);
  if (project.code !== 0) throw new Error(`herald project create exited ${project.code}:\n${project.stderr}`);
  const apiKey = /(hk_live_[0-9A-Za-z]{36})/.exec(project.stdout)?.[1];
  const projectId = /project (prj_\w+)/.exec(project.stdout)?.[1];
  if (!apiKey || !projectId) throw new Error(`herald project create printed no key or project id:\n${project.stdout}`);
  return { apiKey, projectId };
}

/** `herald domain add`: the DKIM TXT record exactly as the CLI printed it, ready for the test zone. */
export async function addDomain(projectId: string, domain: string, env: NodeJS.ProcessEnv): Promise<[string, [{ type: 'TXT'; value: string }]]> {
  const added = await runHerald(['domain', 'add', projectId, domain], env);
  if (added.code !== 0) throw new Error(`herald domain add exited ${added.code}:\n${added.stderr}`);
  const host = /Host: +(\S+\._domainkey\.\S+)/.exec(added.stdout)?.[1];
  const value = /Value: +(v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+)$/m.exec(added.stdout)?.[1];
  if (!host || !value || host !== `${host.split('.')[0]}._domainkey.${domain}`) {
    throw new Error(`herald domain add printed no DKIM record for ${domain}:\n${added.stdout}`);
  }
  return [host, [{ type: 'TXT', value }]];
}

/** `herald domain verify`: looks the records up in the test zone; the domain must come out verified. */
export async function verifyDomain(projectId: string, domain: string, env: NodeJS.ProcessEnv): Promise<void> {
  const result = await runHerald(['domain', 'verify', projectId, domain], env);
  if (result.code !== 0 || !result.stdout.includes(`${domain} is verified`)) {
    throw new Error(`herald domain verify did not verify ${domain} (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}
