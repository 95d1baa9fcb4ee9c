import { randomBytes } from 'node:crypto';
import { dkimRecordValue, generateDkimKey } from '../crypto/dkim-key.ts';
import { seal } from '../crypto/seal.ts';
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/unique-violation.ts';
import { HeraldError } from '../errors/registry.ts';
import { newId } from '../ids.ts';
import { normalizeDomain } from '../intake/address.ts';

export interface DnsRecord {
  type: 'TXT' | 'CNAME' | 'MX';
  host: string;
  value: string;
  purpose: string;
}

export interface AddedDomain {
  id: string;
  name: string;
  selector: string;
  records: DnsRecord[];
}

/** A fresh selector per key, so a rotation never reuses a published name: herald-20261128-3f9a. */
export function newSelector(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `herald-${day}-${randomBytes(2).toString('hex')}`;
}

/**
 * Adds a sending domain to a project with a new RSA-2048 DKIM key (and, if asked, an Ed25519 key that
 * adds a second signature, RFC 8463), each under its own selector, private halves sealed under the
 * master key. Answers with the DNS records to publish.
 */
export async function addDomain(
  db: Db,
  masterKey: Buffer,
  projectId: string,
  name: string,
  options: { ed25519?: boolean; allowSubdomains?: boolean } = {},
): Promise<AddedDomain> {
  const domainName = normalizeDomain(name);
  if (!domainName) {
    throw new HeraldError('validation_failed', `name: "${name}" is not a valid domain name`, [
      { field: 'name', message: 'must be a domain name such as example.com' },
    ]);
  }
  const keys = [generateDkimKey('rsa_sha256'), ...(options.ed25519 ? [generateDkimKey('ed25519_sha256')] : [])].map((key) => ({
    key,
    selector: newSelector(),
  }));
  const domainId = newId('domain');
  const now = new Date();
  try {
    await db.$transaction([
      db.domain.create({ data: { id: domainId, projectId, name: domainName, allowSubdomains: options.allowSubdomains ?? false } }),
      db.dkimKey.createMany({
        data: keys.map(({ key, selector }) => ({
          id: newId('dkimKey'),
          domainId,
          selector,
          algorithm: key.algorithm,
          privateKeyEncrypted: seal(key.privateKeyPem, masterKey),
          publicKey: key.publicKey,
          // the first keys of a domain sign as soon as the domain may send
          status: 'active' as const,
          activatedAt: now,
        })),
      }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new HeraldError('conflict', `${domainName} is already a domain of this project`, [
        { field: 'name', message: 'is already added' },
      ]);
    }
    throw err;
  }
  return {
    id: domainId,
    name: domainName,
    selector: keys[0]?.selector as string,
    records: keys.map(({ key, selector }) => ({
      type: 'TXT' as const,
      host: `${selector}._domainkey.${domainName}`,
      value: dkimRecordValue(key),
      purpose:
        key.algorithm === 'ed25519_sha256'
          ? 'DKIM (Ed25519, RFC 8463): a second signature for receivers that check Ed25519'
          : 'DKIM: lets receivers verify the signature Herald adds to every message',
    })),
  };
}
