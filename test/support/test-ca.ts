import { constants, generateKeyPairSync, privateEncrypt, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/**
 * A throwaway certificate authority for tests: a self-signed root and leaf certificates it issues,
 * as PEM strings. node-forge (pure JavaScript) builds the certificates; the RSA keys and the RSA
 * signing step come from node:crypto, which is about a hundred times faster than forge's JavaScript
 * RSA. Nothing is written to disk and no openssl CLI is needed.
 */

export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

export interface LeafOptions {
  /** Validity start; default one minute ago. */
  notBefore?: Date;
  /** Validity end; default one day from now. */
  notAfter?: Date;
}

export interface TestCa extends TestCertificate {
  /** A server certificate for the given DNS names and IP addresses (the first is also its CN). */
  issue(names: readonly string[], options?: LeafOptions): TestCertificate;
}

export function createTestCa(commonName = 'Herald Test CA'): TestCa {
  const caKeys = rsaKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = caKeys.publicKey;
  caCert.serialNumber = serialNumber();
  caCert.validity.notBefore = new Date(Date.now() - 60_000);
  caCert.validity.notAfter = new Date(Date.now() + 7 * 86_400_000);
  const subject = [
    { name: 'commonName', value: `${commonName} ${randomBytes(3).toString('hex')}` },
    { name: 'organizationName', value: 'Herald tests' },
  ];
  caCert.setSubject(subject);
  caCert.setIssuer(subject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(caKeys.signer, forge.md.sha256.create());
  const caKeyIdentifier = caCert.generateSubjectKeyIdentifier().getBytes();

  // one key for every leaf of this CA: tests need distinct certificates, not distinct keys
  let leafKeys: ForgeKeyPair | null = null;

  return {
    certPem: forge.pki.certificateToPem(caCert),
    keyPem: caKeys.privateKeyPem,
    issue(names, options = {}) {
      if (names.length === 0) throw new Error('a leaf certificate needs at least one name');
      leafKeys ??= rsaKeyPair();
      const cert = forge.pki.createCertificate();
      cert.publicKey = leafKeys.publicKey;
      cert.serialNumber = serialNumber();
      cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
      cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 86_400_000);
      cert.setSubject([{ name: 'commonName', value: names[0] as string }]);
      cert.setIssuer(caCert.subject.attributes);
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })),
        },
        { name: 'subjectKeyIdentifier' },
        { name: 'authorityKeyIdentifier', keyIdentifier: caKeyIdentifier },
      ]);
      cert.sign(caKeys.signer, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(cert), keyPem: leafKeys.privateKeyPem };
    },
  };
}

interface ForgeKeyPair {
  publicKey: forge.pki.rsa.PublicKey;
  /** What forge's cert.sign(key, md) needs of a private key: sign(md). */
  signer: forge.pki.rsa.PrivateKey;
  privateKeyPem: string;
}

/** DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017 §9.2), followed by the 32-byte digest. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** RSA-2048 from node:crypto (OpenSSL) rather than forge's JavaScript key generation. */
function rsaKeyPair(): ForgeKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  // forge's cert.sign calls key.sign(md) with the SHA-256 digest of the TBSCertificate: PKCS#1 v1.5
  // signing of that digest is RSA private encryption of its DigestInfo with type-1 padding
  const signer = {
    sign(md: forge.md.MessageDigest): string {
      const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), 'binary')]);
      return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo).toString('binary');
    },
  };
  return { publicKey: forge.pki.publicKeyFromPem(publicKey), signer: signer as unknown as forge.pki.rsa.PrivateKey, privateKeyPem: privateKey };
}

/** A positive serial number (leading byte below 0x80), unique enough for throwaway certificates. */
function serialNumber(): string {
  return `01${randomBytes(15).toString('hex')}`;
}
