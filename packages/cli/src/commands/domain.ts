import { addDomain } from '@herald/core';
import { withProject } from '../with-project.ts';

export async function domainCommand(args: string[]): Promise<number> {
  const ed25519 = args.includes('--ed25519');
  const [sub, projectRef, name] = args.filter((a) => a !== '--ed25519');
  if (sub !== 'add' || !projectRef || !name) {
    console.error('usage: herald domain add <project> <domain> [--ed25519]');
    return 1;
  }
  return withProject(projectRef, async ({ db, project, masterKey }) => {
    const domain = await addDomain(db, masterKey(), project.id, name, { ed25519 });
    console.log(`domain ${domain.id} ${domain.name} added to project ${project.name}`);
    console.log(domain.records.length > 1 ? 'Publish these DNS records:' : 'Publish this DNS record:');
    for (const record of domain.records) {
      console.log(`  Purpose: ${record.purpose}`);
      console.log(`  Type:    ${record.type}`);
      console.log(`  Host:    ${record.host}`);
      console.log(`  Value:   ${record.value}`);
      console.log(`  In a zone file: ${zoneFileLine(record)}`);
    }
    return 0;
  });
}

/** A TXT value longer than 255 octets is published as several character-strings (RFC 1035 §3.3.14). */
function zoneFileLine(record: { type: string; host: string; value: string }): string {
  const strings = (record.value.match(/.{1,255}/g) ?? ['']).map((part) => `"${part}"`);
  return `${record.host}. 3600 IN ${record.type} ( ${strings.join(' ')} )`;
}
