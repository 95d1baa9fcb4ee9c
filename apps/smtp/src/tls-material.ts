import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import forge from 'node-forge';

export interface TlsMaterial {
  key: string;
  cert: string;
  /** True when generated at start (development): clients must not verify it. */
  selfSigned: boolean;
}

/**
 * The listener's certificate: the configured files, or — outside production, when none is configured —
 * a self-signed certificate for the host name, generated at start (never written anywhere).
 */
export function tlsMaterial(config: { smtpTlsCertFile?: string | undefined; smtpTlsKeyFile?: string | undefined; smtpHostname: string }): TlsMaterial {
  if (config.smtpTlsCertFile && config.smtpTlsKeyFile) {
    return { cert: readFileSync(config.smtpTlsCertFile, 'utf8'), key: readFileSync(config.smtpTlsKeyFile, 'utf8'), selfSigned: false };
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const subject = [{ name: 'commonName', value: config.smtpHostname }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: config.smtpHostname }] }]);
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { key: keyPem, cert: forge.pki.certificateToPem(cert), selfSigned: true };
}
