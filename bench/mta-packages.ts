import { execFileSync, execSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

/** What the Postfix comparison runs: Debian's packages, started privately by the bench (never as system services). */
const PROGRAMS = { postfix: '/usr/lib/postfix/sbin/master', opendkim: '/usr/sbin/opendkim' } as const;
const POLICY_RC = '/usr/sbin/policy-rc.d';

/**
 * Installs Postfix and OpenDKIM with apt when either is missing, so that `npm run bench` compares
 * against them on a fresh machine, and makes sure neither starts as a system service: Postfix is
 * preseeded with "No configuration" (no main.cf, so its service does nothing), and while apt runs a
 * policy-rc.d that answers 101 ("action forbidden") keeps invoke-rc.d and deb-systemd-invoke from
 * starting OpenDKIM. A service the install enabled for the next boot is disabled again. Returns what
 * it installed (empty when everything was there).
 */
export function ensureMtaPackages(log: (text: string) => void): string[] {
  // Postfix's master starts as root (it binds its port, then its daemons run as the postfix user), as CI runs
  if (process.getuid?.() !== 0) throw new Error('the Postfix comparison runs Postfix and installs it when missing, which needs root: run the bench as root, or with BENCH_POSTFIX=off');
  const missing = Object.entries(PROGRAMS).filter(([, program]) => !existsSync(program)).map(([name]) => name);
  if (missing.length === 0) return [];
  log(`installing ${missing.join(' and ')} with apt (BENCH_POSTFIX=off skips the Postfix comparison)`);
  const ownPolicy = !existsSync(POLICY_RC);
  if (ownPolicy) writeFileSync(POLICY_RC, '#!/bin/sh\n# written by Herald\'s bench while it installs packages: no service starts\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    execSync("echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections", { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  } finally {
    if (ownPolicy) rmSync(POLICY_RC, { force: true });
  }
  // under systemd the packages enable their units for the next boot: this machine runs them only inside the bench
  if (existsSync('/run/systemd/system')) {
    for (const name of missing) spawnSync('systemctl', ['disable', '--now', name], { stdio: 'ignore' });
  }
  return missing;
}
