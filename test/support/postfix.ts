import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.ts';

/**
 * A private Postfix (Debian's package) for end-to-end tests: a real MTA that accepts a message, fails
 * to deliver it onward and sends its own DSN back to the envelope sender, finding both next hops
 * through the test DNS.
 *
 * Everything lives in a temporary directory: config_directory (main.cf, master.cf), queue_directory,
 * data_directory and the log (maillog_file). The master runs in the foreground under this process
 * (`master -d -c <dir>`), listening only on the given loopback address; close() stops it with SIGTERM
 * (the master takes its daemons down with it) and removes the directory. No system Postfix is used
 * or needed: the package installed with "No configuration" has no main.cf and starts nothing.
 *
 * DNS: Postfix resolves through libc, which reads its name servers from resolv.conf, which cannot
 * name a port. The smtp and relay clients therefore run chrooted in the queue directory (master.cf's
 * chroot column), where <queue_directory>/etc/resolv.conf names only `dnsServer.host`; a DNS server
 * (the test DNS itself, or dns-relay.ts in front of it) must answer on port 53 there. MX lookups for
 * the relay domain and for the bounce's recipient then go to the test zone, and nothing else is
 * ever asked of the machine's resolver. Binding port 53 and port 25 needs root, as the tests run.
 * With `relayTo` instead (the benchmark's Postfix), every relay domain goes to one fixed host:port and
 * nothing is looked up at all.
 *
 * Nothing reaches the outside: no local delivery (local_transport is the error transport, and
 * mydestination is empty), no postmaster notices, no biff, no TLS, IPv4 only, relaying only for the
 * given domains and only from loopback; retry and queue lifetimes are seconds so that a test ends.
 */
export interface PostfixOptions {
  /** The loopback address smtpd listens on, e.g. 127.25.0.1. */
  listen: string;
  /** Default 25. */
  port?: number;
  /** Domains this Postfix relays mail for (to their MX, as DNS says, unless `relayTo` is given). */
  relayDomains: string[];
  /** Where the chrooted clients send DNS queries: a server answering on port 53 of this address. Needed unless `relayTo` is given. */
  dnsServer?: { host: string };
  /**
   * Every relay domain's mail goes to this host:port (transport_maps with an IP literal, as
   * `[host]:port`): no MX or address lookup at all, so no DNS server is needed and the clients are not chrooted.
   */
  relayTo?: { host: string; port: number };
  /** A milter on an inet socket (OpenDKIM, say), applied to mail received over SMTP and to local submissions. */
  milter?: { host: string; port: number };
  /**
   * Retry and queue lifetimes in seconds instead of Postfix's minutes and days, and short connect and
   * HELO timeouts, so that a test whose mail is deferred or bounced ends (default true). The benchmark
   * turns this off: a measurement of Postfix keeps its defaults.
   */
  quickRetries?: boolean;
  /** The name Postfix greets and signs its bounces with. */
  hostname?: string;
  /** main.cf settings added last (they win). */
  main?: Record<string, string>;
}

export interface PostfixInstance {
  host: string;
  port: number;
  dir: string;
  /** The master's process id. */
  pid: number;
  /** Postfix's own log so far (for failure messages). */
  log(): string;
  /**
   * `postqueue -f`: delivers what is queued now, also mail held back by `defer_transports`. It reaches
   * only what is in the deferred queue as qmgr scans it: a message being re-deferred at that instant
   * misses it, so a test flushes until the message has left.
   */
  flush(): void;
  close(): Promise<void>;
}

const POSTFIX = '/usr/sbin/postfix';
const POSTQUEUE = '/usr/sbin/postqueue';
const MASTER = '/usr/lib/postfix/sbin/master';
/** The exact commands that install what this harness needs, for the failure message and CI. */
export const POSTFIX_INSTALL = [
  "echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections",
  'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix',
].join(' && ');

/** Throws, with the install commands, when Postfix is not installed: the tests that need it fail, they never skip. */
export function requirePostfix(): string {
  if (!existsSync(POSTFIX) || !existsSync(MASTER)) {
    throw new Error(`Postfix is not installed (no ${POSTFIX} or ${MASTER}). Install Debian's package: ${POSTFIX_INSTALL}`);
  }
  if (process.getuid?.() !== 0) throw new Error('the Postfix harness runs as root (its master starts as root, and its peers listen on port 25 and 53)');
  return execFileSync('/usr/sbin/postconf', ['-d', '-h', 'mail_version'], { encoding: 'utf8' }).trim();
}

export async function startPostfix(options: PostfixOptions): Promise<PostfixInstance> {
  requirePostfix();
  if (!options.dnsServer && !options.relayTo) throw new Error('startPostfix needs a dnsServer (to find the next hops by MX) or relayTo (one fixed next hop)');
  const port = options.port ?? 25;
  const hostname = options.hostname ?? 'relay.postfix.test';
  const dir = mkdtempSync(join(tmpdir(), 'herald-postfix-'));
  // daemons running as the postfix user reach the queue and log through this directory
  chmodSync(dir, 0o755);
  const config = join(dir, 'etc');
  const queue = join(dir, 'queue');
  for (const sub of [config, queue, join(queue, 'etc')]) mkdirSync(sub, { recursive: true });
  if (options.dnsServer) writeFileSync(join(queue, 'etc', 'resolv.conf'), `nameserver ${options.dnsServer.host}\noptions timeout:2 attempts:2\n`);
  writeFileSync(join(config, 'main.cf'), mainCf({ dir, config, queue, hostname, ...options, quickRetries: options.quickRetries ?? true, extra: options.main ?? {} }));
  writeFileSync(join(config, 'master.cf'), masterCf(options.listen, port, options.dnsServer !== undefined));
  const logFile = join(dir, 'maillog');
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

  let master: ChildProcess | undefined;
  const cleanUp = async () => {
    if (master && master.exitCode === null && master.signalCode === null) {
      const exited = new Promise<void>((resolve) => master?.once('exit', () => resolve()));
      master.kill('SIGTERM');
      const timer = setTimeout(() => master?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    // HERALD_TEST_KEEP_POSTFIX=1 keeps the directory (configuration, queue, maillog) to look into a failure
    if (!process.env.HERALD_TEST_KEEP_POSTFIX) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // creates the queue and data directories with the ownership Postfix wants, and checks the configuration
    execFileSync(POSTFIX, ['-c', config, 'check'], { stdio: 'pipe' });
    // a process group of its own: on SIGTERM the master signals its group (its daemons), never ours
    master = spawn(MASTER, ['-d', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    master.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    master.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = master;
    await waitFor(`Postfix's greeting on ${options.listen}:${port}`, async () => {
      if (started.exitCode !== null) throw new Error(`the Postfix master exited (${started.exitCode}): ${output}${log()}`);
      return greets(options.listen, port);
    }, 20_000, 100);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    const logged = log();
    await cleanUp();
    throw new Error(`the private Postfix did not start: ${message}\n${stderr}\n${logged}`, { cause: err });
  }
  const flush = () => void execFileSync(POSTQUEUE, ['-c', config, '-f'], { stdio: 'pipe' });
  return { host: options.listen, port, dir, pid: master.pid ?? 0, log, flush, close: cleanUp };
}

/** Whether an SMTP server at host:port sends a 220 greeting. */
function greets(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('data', (chunk) => {
      socket.write('QUIT\r\n');
      done(chunk.toString().startsWith('220'));
    });
    socket.once('error', () => done(false));
    socket.setTimeout(2000, () => done(false));
  });
}

interface MainCfInput {
  dir: string;
  config: string;
  queue: string;
  hostname: string;
  relayDomains: string[];
  relayTo?: { host: string; port: number } | undefined;
  milter?: { host: string; port: number } | undefined;
  quickRetries: boolean;
  extra: Record<string, string>;
}

function mainCf(o: MainCfInput): string {
  const settings: Record<string, string> = {
    compatibility_level: '3.6',
    config_directory: o.config,
    queue_directory: o.queue,
    data_directory: join(o.dir, 'data'),
    // the package's own programs and file list
    daemon_directory: '/usr/lib/postfix/sbin',
    shlib_directory: '/usr/lib/postfix',
    meta_directory: '/etc/postfix',
    mail_owner: 'postfix',
    setgid_group: 'postdrop',
    syslog_name: 'herald-test-postfix',
    maillog_file: join(o.dir, 'maillog'),
    maillog_file_prefixes: o.dir,
    myhostname: o.hostname,
    myorigin: '$myhostname',
    // Postfix accepts only interface addresses here, and 127.x.y.z beyond 127.0.0.1 is not one (the
    // kernel routes all of 127/8 to lo): smtpd is bound to o.listen by its master.cf service name instead
    inet_interfaces: 'loopback-only',
    inet_protocols: 'ipv4',
    smtp_address_preference: 'ipv4',
    mynetworks: '127.0.0.0/8',
    mydestination: '',
    local_recipient_maps: '',
    alias_maps: '',
    alias_database: '',
    local_transport: 'error:local delivery is disabled in this test instance',
    relay_domains: o.relayDomains.join(', '),
    smtpd_relay_restrictions: 'permit_mynetworks, reject_unauth_destination',
    smtpd_banner: '$myhostname ESMTP Herald test Postfix',
    smtpd_tls_security_level: 'none',
    smtp_tls_security_level: 'none',
    smtp_host_lookup: 'dns',
    smtp_dns_support_level: 'enabled',
    biff: 'no',
    soft_bounce: 'no',
    notify_classes: '',
    smtpd_client_restrictions: '',
  };
  if (o.quickRetries) {
    // seconds, not days: a failed relay bounces at once, a deferred one is retried quickly and given up soon
    Object.assign(settings, {
      queue_run_delay: '1s',
      minimal_backoff_time: '1s',
      maximal_backoff_time: '2s',
      maximal_queue_lifetime: '30s',
      bounce_queue_lifetime: '30s',
      smtp_connect_timeout: '5s',
      smtp_helo_timeout: '10s',
    });
  }
  if (o.relayTo) {
    // an IP literal in brackets: Postfix connects to it as it is, with no MX or address lookup
    const nextHop = `relay:[${o.relayTo.host}]:${o.relayTo.port}`;
    settings.transport_maps = `inline:{ ${o.relayDomains.map((domain) => `${domain}=${nextHop}`).join(', ')} }`;
  }
  if (o.milter) {
    settings.smtpd_milters = `inet:${o.milter.host}:${o.milter.port}`;
    settings.non_smtpd_milters = '$smtpd_milters';
  }
  return Object.entries({ ...settings, ...o.extra }).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
}

/** The services a relaying Postfix needs; only the SMTP clients are chrooted, and only to read the test's resolv.conf. */
function masterCf(listen: string, port: number, chrootClients: boolean): string {
  const chroot = chrootClients ? 'y' : 'n';
  return [
    `${listen}:${port} inet n - n - - smtpd`,
    'pickup    unix  n - n 60 1 pickup',
    'cleanup   unix  n - n - 0 cleanup',
    'qmgr      unix  n - n 300 1 qmgr',
    'rewrite   unix  - - n - - trivial-rewrite',
    'bounce    unix  - - n - 0 bounce',
    'defer     unix  - - n - 0 bounce',
    'trace     unix  - - n - 0 bounce',
    'verify    unix  - - n - 1 verify',
    'flush     unix  n - n 1000? 0 flush',
    'proxymap  unix  - - n - - proxymap',
    'proxywrite unix - - n - 1 proxymap',
    `smtp      unix  - - ${chroot} - - smtp`,
    `relay     unix  - - ${chroot} - - smtp`,
    'showq     unix  n - n - - showq',
    'error     unix  - - n - - error',
    'retry     unix  - - n - - error',
    'discard   unix  - - n - - discard',
    'anvil     unix  - - n - 1 anvil',
    'scache    unix  - - n - 1 scache',
    // the TLS session cache and random source of the SMTP client when it uses TLS (the bench's Postfix does)
    'tlsmgr    unix  - - n 1000? 1 tlsmgr',
    'postlog   unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');
}
