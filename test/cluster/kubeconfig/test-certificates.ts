/**
 * Throw-away certificate authorities for tests: Node makes the RSA keys (native, fast) and
 * node-forge signs the certificates, which Node cannot do by itself.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface TestCertificate {
  certPem: string;
  keyPem: string;
}

export interface IssueOptions {
  commonName: string;
  usage: 'server' | 'client';
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
}

export interface TestAuthority extends TestCertificate {
  issue(options: IssueOptions): TestCertificate;
}

function newKey(): { keyPem: string; privateKey: forge.pki.rsa.PrivateKey } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { keyPem, privateKey: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey };
}

function newCertificate(
  subjectKey: forge.pki.rsa.PrivateKey,
  commonName: string,
): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.setRsaPublicKey(subjectKey.n, subjectKey.e);
  const serial = randomBytes(12);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  certificate.serialNumber = serial.toString('hex');
  certificate.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  certificate.validity.notAfter = new Date(Date.now() + 24 * 60 * 60 * 1000);
  certificate.setSubject([{ name: 'commonName', value: commonName }]);
  return certificate;
}

export function createTestAuthority(commonName: string): TestAuthority {
  const authority = newKey();
  const caCertificate = newCertificate(authority.privateKey, commonName);
  caCertificate.setIssuer(caCertificate.subject.attributes);
  caCertificate.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  caCertificate.sign(authority.privateKey, forge.md.sha256.create());

  return {
    certPem: forge.pki.certificateToPem(caCertificate),
    keyPem: authority.keyPem,
    issue(options) {
      const subject = newKey();
      const certificate = newCertificate(subject.privateKey, options.commonName);
      certificate.setIssuer(caCertificate.subject.attributes);
      const altNames = [
        ...(options.dnsNames ?? []).map((value) => ({ type: 2, value })),
        ...(options.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
      ];
      certificate.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        {
          name: 'extKeyUsage',
          serverAuth: options.usage === 'server',
          clientAuth: options.usage === 'client',
        },
        ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
      ]);
      certificate.sign(authority.privateKey, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(certificate), keyPem: subject.keyPem };
    },
  };
}

export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
