import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * Readers for the `*-data` fields: base64 of PEM text, as kubectl writes them. Each returns
 * undefined when the data is not what it should be; callers refuse with the field's name.
 * Nothing here throws or keeps an error, since an error could carry key material.
 */
interface PemBlock {
  label: string;
  text: string;
}

const maxBlocks = 50;

function decodeBase64Pem(data: string): PemBlock[] | undefined {
  const compact = data.replace(/\s+/g, '');
  if (compact.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  const text = Buffer.from(compact, 'base64').toString('utf8');
  const blocks: PemBlock[] = [];
  const pattern = /-----BEGIN ([A-Z0-9 ]{1,40})-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/g;
  for (const match of text.matchAll(pattern)) {
    if (blocks.length === maxBlocks) return undefined;
    blocks.push({ label: match[1] ?? '', text: `${match[0].replace(/\r\n/g, '\n')}\n` });
  }
  return blocks.length === 0 ? undefined : blocks;
}

function parseCertificates(blocks: PemBlock[]): X509Certificate[] | undefined {
  if (blocks.some((block) => block.label !== 'CERTIFICATE')) return undefined;
  try {
    return blocks.map((block) => new X509Certificate(block.text));
  } catch {
    return undefined;
  }
}

/**
 * CA data already judged, by its base64 text: a whole class shares one cluster CA, and parsing
 * it (X509Certificate) was the costliest single step of a submission. A CA is public, so keeping
 * it keeps no secret; refusals are kept too (a refused CA stays refused).
 */
const judgedCertificateAuthorities = new LRUCache<string, { pem: string | undefined }>({
  max: 256,
});

/** `certificate-authority-data`: one or more certificates, nothing else. */
export function readCertificateAuthorityData(data: string): string | undefined {
  const judged = judgedCertificateAuthorities.get(data);
  if (judged !== undefined) return judged.pem;
  const blocks = decodeBase64Pem(data);
  const pem =
    blocks === undefined || parseCertificates(blocks) === undefined
      ? undefined
      : blocks.map((block) => block.text).join('');
  judgedCertificateAuthorities.set(data, { pem });
  return pem;
}

/** `client-certificate-data`: the client's certificate first, then any intermediates. */
export function readClientCertificateData(
  data: string,
): { pem: string; leaf: X509Certificate } | undefined {
  const blocks = decodeBase64Pem(data);
  const certificates = blocks === undefined ? undefined : parseCertificates(blocks);
  const leaf = certificates?.[0];
  if (blocks === undefined || leaf === undefined) return undefined;
  return { pem: blocks.map((block) => block.text).join(''), leaf };
}

const privateKeyLabels = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);

/**
 * `client-key-data`: exactly one unencrypted private key (OpenSSL's `EC PARAMETERS` block may
 * come with an EC key and is left out).
 */
export function readClientKeyData(data: string): { pem: string; key: KeyObject } | undefined {
  const blocks = decodeBase64Pem(data)?.filter((block) => block.label !== 'EC PARAMETERS');
  const [block, ...others] = blocks ?? [];
  if (block === undefined || others.length > 0 || !privateKeyLabels.has(block.label)) {
    return undefined;
  }
  try {
    // An encrypted key fails here (no passphrase is given), which is what we want.
    return { pem: block.text, key: createPrivateKey({ key: block.text, format: 'pem' }) };
  } catch {
    return undefined;
  }
}

export function certificateMatchesKey(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}
