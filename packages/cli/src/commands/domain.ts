import { addDomain, createDb, findProject, loadApiConfig, resolveMasterKey } from '@herald/core';

export async function domainCommand(args: string[]): Promise<number> {
  const [sub, projectRef, name] = args;
  if (sub !== 'add' || !projectRef || !name) {
    console.error('usage: herald domain add <project> <domain>');
    return 1;
  }
  const config = loadApiConfig();
  const db = createDb(config.databaseUrl, { poolSize: 1 });
  try {
    const project = await findProject(db, projectRef);
    if (!project) {
      console.error(`herald: no project "${projectRef}"`);
      return 1;
    }
    const masterKey = resolveMasterKey(config, { warn: (_obj: unknown, msg?: string) => console.error(`warning: ${msg}`) });
    const domain = await addDomain(db, masterKey, project.id, name);
    console.log(`domain ${domain.id} ${domain.name} added to project ${project.name}`);
    console.log('Publish this DNS record:');
    for (const record of domain.records) {
      console.log(`  Purpose: ${record.purpose}`);
      console.log(`  Type:    ${record.type}`);
      console.log(`  Host:    ${record.host}`);
      console.log(`  Value:   ${record.value}`);
      console.log(`  In a zone file: ${zoneFileLine(record)}`);
    }
    return 0;
  } finally {
    await db.$disconnect();
  }
}

/** A TXT value longer than 255 octets is published as several character-strings (RFC 1035 §3.3.14). */
function zoneFileLine(record: { type: string; host: string; value: string }): string {
  const strings = (record.value.match(/.{1,255}/g) ?? ['']).map((part) => `"${part}"`);
  return `${record.host}. 3600 IN ${record.type} ( ${strings.join(' ')} )`;
}
