import { sqlPool, type Db } from '../db/client.ts';
import { createGroupWriter, type GroupWriter } from '../db/group-writer.ts';
import { prepared } from '../db/sql.ts';
import type { Store } from '../db/store.ts';
import { ACTIVE_ENDPOINT_SQL } from '../webhooks/queries.ts';
import { decideSenderDomains, senderDomainCandidates, type CandidateDomain, type SenderDomain } from './sender-domains.ts';

/** What intake needs to know about a project before it commits a request. */
export interface IntakeFacts {
  /** Whether each From domain may send (see decideSenderDomains). */
  senders: Map<string, SenderDomain>;
  /** The lower-cased recipient addresses on the project's suppression list. */
  suppressed: Set<string>;
  /** The project's webhook endpoints that may receive events. */
  endpoints: { id: string; events: string[] }[];
}

interface Lookup {
  projectId: string;
  fromDomains: string[];
  /** Lower-cased recipient addresses. */
  emails: string[];
}

interface FactsRow {
  domains: CandidateDomain[];
  suppressed: string[];
  endpoints: { id: string; events: string[] }[];
}

const FACTS_SQL = `SELECT x.i,
  (SELECT coalesce(json_agg(json_build_object('id', d.id, 'name', d.name, 'status', d.status, 'allowSubdomains', d.allow_subdomains, 'unsubscribeDefault', d.unsubscribe_default)), '[]')
     FROM domains d WHERE d.project_id = x.project_id AND (d.name = ANY(x.candidates) OR d.status = 'verified')) AS domains,
  (SELECT coalesce(array_agg(s.email), '{}') FROM suppressions s WHERE s.project_id = x.project_id AND s.email = ANY(x.emails)) AS suppressed,
  (SELECT coalesce(json_agg(json_build_object('id', e.id, 'events', coalesce(e.events, '{}'))), '[]')
     FROM webhook_endpoints e WHERE e.project_id = x.project_id AND ${ACTIVE_ENDPOINT_SQL('e')}) AS endpoints
FROM json_to_recordset($1::json) AS x(i int, project_id text, candidates text[], emails text[]) ORDER BY x.i`;

/** The group read of intake's facts a Store owns (one per process). */
export type IntakeFactsReader = GroupWriter<Lookup, FactsRow>;

export function createIntakeFactsReader(db: Db): IntakeFactsReader {
  return createGroupWriter(async (lookups) => {
    const rows = lookups.map((l, i) => ({ i, project_id: l.projectId, candidates: senderDomainCandidates(l.fromDomains), emails: l.emails }));
    const { rows: facts } = await sqlPool(db).query<FactsRow>(prepared('intake-facts', FACTS_SQL, [JSON.stringify(rows)]));
    return facts;
  }, { isolate: () => false, name: 'intake-facts' });
}

/**
 * The sending domains, suppressions and webhook endpoints a request needs, in one query; requests
 * looking up while another lookup is under way are looked up together (group reads: this runs for
 * every request, and on a busy API one query serves many).
 */
export async function lookUpIntakeFacts(store: Store, projectId: string, fromDomains: string[], emails: string[]): Promise<IntakeFacts> {
  const facts = await store.intakeFacts.write({ projectId, fromDomains, emails });
  return { senders: decideSenderDomains(facts.domains, fromDomains), suppressed: new Set(facts.suppressed), endpoints: facts.endpoints };
}

/**
 * Which of the project's domains may send for each From domain (see decideSenderDomains): the SMTP
 * listener asks this at MAIL FROM, through the same group read as the API's intake.
 */
export async function resolveSenderDomains(store: Store, projectId: string, fromDomains: string[]): Promise<Map<string, SenderDomain>> {
  return (await lookUpIntakeFacts(store, projectId, fromDomains, [])).senders;
}
