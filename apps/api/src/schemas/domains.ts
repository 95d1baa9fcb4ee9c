import { z } from 'zod';
import { DkimAlgorithm, DkimKeyStatus, DomainStatus, RECORD_KINDS, RECORD_TYPES } from '@herald/core';

export const createDomainBody = z
  .object({
    name: z.string().min(1).max(253).describe('The domain to send from, e.g. example.com (international names are accepted)'),
    ed25519: z.boolean().default(false).describe('Also sign with an Ed25519 key (RFC 8463): every message then carries two signatures'),
    allow_subdomains: z.boolean().default(false).describe('Let addresses at subdomains (news.example.com) send, signed as this domain'),
  })
  .strict()
  .meta({ id: 'CreateDomainRequest' });

export const updateDomainBody = z
  .object({
    unsubscribe_default: z
      .boolean()
      .optional()
      .describe("Messages from this domain carry one-click unsubscribe headers (RFC 8058) unless a send sets unsubscribe itself"),
  })
  .strict()
  .meta({ id: 'UpdateDomainRequest' });

export const domainIdParams = z.object({ id: z.string().describe('Domain id (dom_…)') });
export const deleteDomainQuery = z
  .object({ force: z.enum(['true', 'false']).default('false').describe('Delete even while messages from the domain are waiting to be sent (they then fail)') })
  .strict();

const recordCheck = z
  .object({
    ok: z.boolean(),
    found: z.array(z.string()).describe('What the DNS answered'),
    problem: z.string().nullable().describe('Why it is not right, in words'),
    checked_at: z.string(),
  })
  .nullable();

export const dnsRecord = z
  .object({
    kind: z.enum(RECORD_KINDS).describe("What the record is for; bounce_mx is the bounce host's own MX, published once by whoever runs Herald (not in the domain's zone) and listed for information"),
    type: z.enum(RECORD_TYPES),
    host: z.string(),
    value: z.string(),
    purpose: z.string(),
    required: z.boolean().describe('Needed for Herald to work as configured (DKIM, and the return path when a bounce host is set); the domain sends once its DKIM records are right, the others are reported'),
    check: recordCheck.describe('The last verification of this record, if any'),
  })
  .meta({ id: 'DnsRecord' });

export const domainView = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z.enum(DomainStatus).describe('pending until verified; failed when a verified domain\'s DKIM record disappeared or changed'),
    allow_subdomains: z.boolean(),
    unsubscribe_default: z.boolean().describe("Messages from this domain carry one-click unsubscribe headers unless a send says otherwise"),
    created_at: z.string(),
    verified_at: z.string().nullable(),
    last_checked_at: z.string().nullable(),
    dkim_keys: z.array(
      z.object({
        selector: z.string(),
        algorithm: z.enum(DkimAlgorithm),
        status: z.enum(DkimKeyStatus).describe('pending: waiting for its record; active: signs; retiring: still published, no longer signs'),
        created_at: z.string(),
        activated_at: z.string().nullable(),
        retires_at: z.string().nullable(),
      }),
    ),
    records: z.array(dnsRecord),
  })
  .meta({ id: 'Domain' });

export const domainList = z.object({ data: z.array(domainView) }).meta({ id: 'DomainList' });
