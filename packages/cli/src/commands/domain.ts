import {
  addDomain,
  createResolver,
  domainSettings,
  expectedRecords,
  normalizeDomain,
  refreshDomain,
  rotateDkim,
  UNCACHED,
  type ExpectedRecord,
} from '@herald/core';
import { withProject, type ProjectContext } from '../with-project.ts';

const USAGE = `usage: herald domain add <project> <domain> [--ed25519] [--allow-subdomains]
       herald domain verify <project> <domain>
       herald domain rotate <project> <domain>`;

export async function domainCommand(args: string[]): Promise<number> {
  const flags = new Set(args.filter((a) => a.startsWith('--')));
  const [sub, projectRef, name] = args.filter((a) => !a.startsWith('--'));
  if (!sub || !projectRef || !name || !['add', 'verify', 'rotate'].includes(sub)) {
    console.error(USAGE);
    return 1;
  }
  return withProject(projectRef, async (context) => {
    if (sub === 'add') {
      const added = await addDomain(context.db, context.masterKey(), context.project.id, name, {
        ed25519: flags.has('--ed25519'),
        allowSubdomains: flags.has('--allow-subdomains'),
      });
      console.log(`domain ${added.id} ${added.name} added to project ${context.project.name}`);
      await printRecords(context, added.id);
      console.log(`\nThen run: herald domain verify ${context.project.name} ${added.name}`);
      return 0;
    }
    const domain = await context.db.domain.findFirst({ where: { projectId: context.project.id, name: normalizeDomain(name) ?? name } });
    if (!domain) {
      console.error(`herald: project ${context.project.name} has no domain ${name}`);
      return 1;
    }
    if (sub === 'rotate') {
      const { selectors } = await rotateDkim(context.db, context.masterKey(), domain.id);
      console.log(`new DKIM key(s) ${selectors.join(', ')} for ${domain.name}: they sign once their records are published and verified`);
      await printRecords(context, domain.id, (r) => r.kind === 'dkim' && selectors.includes(r.selector ?? ''));
      return 0;
    }
    const resolver = createResolver({ servers: context.config.dnsServers, cache: UNCACHED });
    const result = await refreshDomain(context.db, resolver, domain.id, domainSettings(context.config));
    for (const check of result.check.checks) {
      const mark = check.ok ? 'ok  ' : check.required ? 'FAIL' : 'warn';
      console.log(`${mark} ${check.kind.padEnd(11)} ${check.type.padEnd(5)} ${check.host}${check.problem ? `: ${check.problem}` : ''}`);
    }
    if (result.promoted.length) console.log(`rotation complete: ${result.promoted.join(', ')} now sign; ${result.retiring.join(', ')} retiring`);
    console.log(result.status === 'verified' ? `${domain.name} is verified` : `${domain.name} is ${result.status}: fix the records marked FAIL`);
    return result.status === 'verified' ? 0 : 1;
  });
}

/** The records to publish: for web interfaces (host, value) and for zone files. */
async function printRecords(context: ProjectContext, domainId: string, only: (r: ExpectedRecord) => boolean = () => true): Promise<void> {
  const domain = await context.db.domain.findUniqueOrThrow({ where: { id: domainId }, include: { dkimKeys: true } });
  const records = expectedRecords(domain, domain.dkimKeys, domainSettings(context.config), domain.createdAt).filter(only);
  console.log(records.length > 1 ? 'Publish these DNS records:' : 'Publish this DNS record:');
  for (const record of records) {
    // the bounce host's MX says itself whose it is (the installation's, listed for information)
    console.log(`\n  Purpose: ${record.purpose}${record.required || record.kind === 'bounce_mx' ? '' : ' (recommended)'}`);
    console.log(`  Type:    ${record.type}`);
    console.log(`  Host:    ${record.host}`);
    console.log(`  Value:   ${record.value}`);
    console.log(`  In a zone file: ${zoneFileLine(record)}`);
  }
}

/** A TXT value longer than 255 octets is published as several character-strings (RFC 1035 §3.3.14). */
function zoneFileLine(record: { type: string; host: string; value: string }): string {
  if (record.type !== 'TXT') return `${record.host}. 3600 IN ${record.type} ${record.value}.`;
  const strings = (record.value.match(/.{1,255}/g) ?? ['']).map((part) => `"${part}"`);
  return `${record.host}. 3600 IN ${record.type} ( ${strings.join(' ')} )`;
}
