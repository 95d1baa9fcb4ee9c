import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@herald/test/support/wait-for.ts';

const OPENDKIM = '/usr/sbin/opendkim';

export interface OpenDkim {
  host: string;
  port: number;
  pid: number;
  /** What OpenDKIM wrote to stdout and stderr (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * A private OpenDKIM (Debian's package) as a signing milter for the bench's Postfix: in the foreground
 * under this process, listening on an inet socket on loopback, signing mail from `domain` with the
 * given RSA key under `selector`, relaxed/relaxed as Herald signs. Its configuration and key live in a
 * temporary directory that stop() removes.
 */
export async function startOpenDkim(options: { host: string; port: number; domain: string; selector: string; privateKeyPem: string }): Promise<OpenDkim> {
  const dir = mkdtempSync(join(tmpdir(), 'herald-opendkim-'));
  const keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, options.privateKeyPem, { mode: 0o600 });
  const config = join(dir, 'opendkim.conf');
  writeFileSync(
    config,
    [
      'Mode s',
      `Domain ${options.domain}`,
      `Selector ${options.selector}`,
      `KeyFile ${keyFile}`,
      'Canonicalization relaxed/relaxed',
      `Socket inet:${options.port}@${options.host}`,
      // Postfix hands the milter the submitting client's address, any of 127/8 here: OpenDKIM signs for internal hosts only
      'InternalHosts 127.0.0.0/8',
      // the key's directory is under /tmp, which other users can write to (sticky): OpenDKIM refuses such a path unless told
      'RequireSafeKeys false',
      // no syslog daemon to pay for: its log would be a cost outside OpenDKIM's own process
      'Syslog no',
      '',
    ].join('\n'),
  );
  const child = spawn(OPENDKIM, ['-f', '-x', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`OpenDKIM listening on ${options.host}:${options.port}`, async () => {
      if (child.exitCode !== null) throw new Error(`OpenDKIM exited (${child.exitCode}): ${output}`);
      return listening(options.host, options.port);
    }, 10_000, 50);
  } catch (err) {
    await stop();
    throw err;
  }
  return { host: options.host, port: options.port, pid: child.pid as number, output: () => output, stop };
}

/** OpenDKIM's version, from `opendkim -V` ("OpenDKIM Filter v2.11.0"). */
export function openDkimVersion(): string {
  const banner = execFileSync(OPENDKIM, ['-V'], { encoding: 'utf8' });
  return /v(\S+)/.exec(banner)?.[1] ?? 'unknown';
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
