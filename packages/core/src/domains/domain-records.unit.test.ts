import { describe, expect, it } from 'vitest';
import { dkimRecordValue } from '../crypto/dkim-key.ts';
import { expectedRecords, mtaStsId, type DomainKey, type DomainRecordSettings, type ExpectedRecord } from './domain-records.ts';

const domain = { name: 'example.test' };
const rsa: DomainKey = { selector: 'herald-20260101-aaaa', algorithm: 'rsa_sha256', publicKey: 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArsa', status: 'active' };
const ed: DomainKey = { selector: 'herald-20260101-bbbb', algorithm: 'ed25519_sha256', publicKey: '11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=', status: 'active' };
const noSpf: DomainRecordSettings = { sendingIps: [], returnPathSubdomain: 'bounces' };
const now = new Date('2026-03-04T05:06:07.890Z');

const byKind = (records: ExpectedRecord[], kind: ExpectedRecord['kind']) => records.filter((r) => r.kind === kind);
const only = (records: ExpectedRecord[], kind: ExpectedRecord['kind']): ExpectedRecord => {
  const found = byKind(records, kind);
  expect(found).toHaveLength(1);
  return found[0] as ExpectedRecord;
};

describe('expectedRecords', () => {
  it("lists DKIM, SPF, DMARC, return path, the bounce host's MX, MTA-STS and TLS-RPT in that order when everything is configured", () => {
    const records = expectedRecords(domain, [rsa, ed], { spfInclude: '_spf.herald.test', sendingIps: [], bounceHost: 'bounce.herald.test', returnPathSubdomain: 'bounces' }, now);

    expect(records.map((r) => r.kind)).toEqual(['dkim', 'dkim', 'spf', 'dmarc', 'return_path', 'bounce_mx', 'mta_sts', 'tls_rpt']);
    expect(records.filter((r) => r.required).map((r) => r.kind)).toEqual(['dkim', 'dkim', 'return_path']);
  });

  it('publishes each DKIM key at its selector under _domainkey with the value Herald signs against', () => {
    const [first, second] = byKind(expectedRecords(domain, [rsa, ed], noSpf, now), 'dkim');

    expect(first).toMatchObject({ type: 'TXT', host: `${rsa.selector}._domainkey.example.test`, value: dkimRecordValue(rsa), selector: rsa.selector });
    expect(first?.value).toBe(`v=DKIM1; k=rsa; p=${rsa.publicKey}`);
    expect(first?.purpose).toMatch(/RSA/);
    expect(second).toMatchObject({ host: `${ed.selector}._domainkey.example.test`, value: `v=DKIM1; k=ed25519; p=${ed.publicKey}` });
    expect(second?.purpose).toMatch(/Ed25519/);
  });

  it('keeps the records of pending and retiring keys, says why, and leaves retired keys out', () => {
    const keys: DomainKey[] = [
      { ...rsa, selector: 'old', status: 'retiring' },
      { ...rsa, selector: 'current' },
      { ...rsa, selector: 'next', status: 'pending' },
      { ...rsa, selector: 'gone', status: 'retired' },
    ];
    const dkim = byKind(expectedRecords(domain, keys, noSpf, now), 'dkim');

    expect(dkim.map((r) => r.selector)).toEqual(['old', 'current', 'next']);
    expect(dkim[0]?.purpose).toMatch(/retired.*keep the record published|keep the record published.*retired/i);
    expect(dkim[1]?.purpose).not.toMatch(/rotation|retired/i);
    expect(dkim[2]?.purpose).toMatch(/rotation, waiting to be published/);
  });

  it('suggests an SPF include of HERALD_SPF_INCLUDE when it is set, even with sending IPs', () => {
    const spf = only(expectedRecords(domain, [rsa], { ...noSpf, spfInclude: '_spf.herald.test', sendingIps: ['192.0.2.1'] }, now), 'spf');

    expect(spf).toMatchObject({ type: 'TXT', host: 'example.test', value: 'v=spf1 include:_spf.herald.test ~all', required: false });
    expect(spf.purpose).toMatch(/already has an SPF record/);
    expect(spf.purpose).toMatch(/second/);
  });

  it('lists the sending IPs as ip4 and ip6 mechanisms when there is no include', () => {
    const spf = only(expectedRecords(domain, [rsa], { ...noSpf, sendingIps: ['192.0.2.1', '2001:db8::1', '198.51.100.7'] }, now), 'spf');

    expect(spf.value).toBe('v=spf1 ip4:192.0.2.1 ip6:2001:db8::1 ip4:198.51.100.7 ~all');
  });

  it('suggests no SPF record when neither an include nor sending IPs are configured', () => {
    expect(byKind(expectedRecords(domain, [rsa], noSpf, now), 'spf')).toEqual([]);
  });

  it('says SPF is checked at the return-path host when a bounce host is configured', () => {
    const spf = only(expectedRecords(domain, [rsa], { ...noSpf, spfInclude: '_spf.herald.test', bounceHost: 'bounce.herald.test' }, now), 'spf');

    expect(spf.purpose).toContain('bounces.example.test');
    expect(spf.purpose).toMatch(/bounce host's own SPF record applies through the CNAME/);
  });

  it('suggests DMARC at _dmarc with p=none and reports to the domain, as a recommendation', () => {
    const dmarc = only(expectedRecords(domain, [rsa], noSpf, now), 'dmarc');

    expect(dmarc).toMatchObject({ type: 'TXT', host: '_dmarc.example.test', value: 'v=DMARC1; p=none; rua=mailto:dmarc@example.test', required: false });
  });

  it('asks for a return-path CNAME to the bounce host under the configured label, and none without a bounce host', () => {
    const withBounce = expectedRecords(domain, [rsa], { ...noSpf, bounceHost: 'bounce.herald.test', returnPathSubdomain: 'rp' }, now);

    expect(only(withBounce, 'return_path')).toMatchObject({ type: 'CNAME', host: 'rp.example.test', value: 'bounce.herald.test', required: true });
    expect(byKind(expectedRecords(domain, [rsa], noSpf, now), 'return_path')).toEqual([]);
  });

  it("shows the bounce host's own MX as the installation's record, for information, and none without a bounce host", () => {
    const withBounce = expectedRecords(domain, [rsa], { ...noSpf, bounceHost: 'bounce.herald.test', returnPathSubdomain: 'rp' }, now);

    expect(only(withBounce, 'bounce_mx')).toMatchObject({ type: 'MX', host: 'bounce.herald.test', value: '10 bounce.herald.test', required: false });
    expect(only(withBounce, 'bounce_mx').purpose).toMatch(/^Bounce host MX \(published once by whoever runs Herald, not in example\.test's zone\)/);
    expect(only(withBounce, 'bounce_mx').purpose).toContain('herald start inbound');
    expect(byKind(expectedRecords(domain, [rsa], noSpf, now), 'bounce_mx')).toEqual([]);
  });

  it('offers MTA-STS with an id from the given time and TLS-RPT, both optional and about mail to the domain', () => {
    const records = expectedRecords(domain, [rsa], noSpf, now);
    const sts = only(records, 'mta_sts');
    const rpt = only(records, 'tls_rpt');

    expect(sts).toMatchObject({ type: 'TXT', host: '_mta-sts.example.test', value: 'v=STSv1; id=20260304050607', required: false });
    expect(rpt).toMatchObject({ type: 'TXT', host: '_smtp._tls.example.test', value: 'v=TLSRPTv1; rua=mailto:tls-reports@example.test', required: false });
    for (const record of [sts, rpt]) {
      expect(record.purpose).toContain('*to* example.test');
      expect(record.purpose).toMatch(/HTTPS policy host/);
    }
  });

  it('formats the MTA-STS id as yyyymmddhhmmss in UTC', () => {
    expect(mtaStsId(new Date('2026-12-31T23:59:58.999Z'))).toBe('20261231235958');
  });
});
