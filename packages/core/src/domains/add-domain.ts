import { randomBytes } from 'node:crypto';
import { dkimRecordValue, generateDkimKey } from '../crypto/dkim-key.ts';
import { seal } from '../crypto/seal.ts';
import type { Db } from '../db/client.ts';
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
 * Adds a sending domain to a project with a new RSA-2048 DKIM key, its private half sealed under the
 * master key. Answers with the DNS record to publish.
 */
export async function addDomain(db: Db, masterKey: Buffer, projectId: string, name: string): Promise<AddedDomain> {
  const domainName = normalizeDomain(name);
  if (!domainName) {
    throw new HeraldError('validation_failed', `name: "${name}" is not a valid domain name`, [
      { field: 'name', message: 'must be a domain name such as example.com' },
    ]);
  }
  const key = generateDkimKey('rsa_sha256');
  const selector = newSelector();
  const domainId = newId('domain');
  try {
    await db.$transaction([
      db.domain.create({ data: { id: domainId, projectId, name: domainName } }),
      db.dkimKey.create({
        data: {
          id: newId('dkimKey'),
          domainId,
          selector,
          algorithm: key.algorithm,
          privateKeyEncrypted: seal(key.privateKeyPem, masterKey),
          publicKey: key.publicKey,
          // the first key of a domain signs as soon as the domain may send
          status: 'active',
          activatedAt: new Date(),
        },
      }),
    ]);
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') {
      throw new HeraldError('conflict', `${domainName} is already a domain of this project`, [
        { field: 'name', message: 'is already added' },
      ]);
    }
    throw err;
  }
  return {
    id: domainId,
    name: domainName,
    selector,
    records: [
      {
        type: 'TXT',
        host: `${selector}._domainkey.${domainName}`,
        value: dkimRecordValue(key),
        purpose: 'DKIM: lets receivers verify the signature Herald adds to every message',
      },
    ],
  };
}
