import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * The master key from HERALD_MASTER_KEY, or, outside production, a key generated once into
 * HERALD_DATA_DIR/master.key so that a fresh checkout runs without setup. Every process on the machine
 * (API, worker, CLI) reads the same file. Production never reaches the fallback: config parsing refuses
 * to start without HERALD_MASTER_KEY there.
 */
export function resolveMasterKey(
  config: { env: string; masterKey?: string | undefined; dataDir: string },
  log?: Pick<Logger, 'warn'>,
): Buffer {
  if (config.masterKey) return Buffer.from(config.masterKey, 'base64');
  if (config.env !== 'development') throw new Error(`HERALD_MASTER_KEY is required when HERALD_ENV=${config.env}`);
  const file = join(config.dataDir, 'master.key');
  try {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length === 32) return key;
  } catch {
    // not created yet
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch {
    // another process created it first: use theirs
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  }
  log?.warn({ file }, 'HERALD_MASTER_KEY is not set: generated a development master key (set HERALD_MASTER_KEY in production)');
  return key;
}
