import type { ClusterCredentials } from './cluster-target.js';
import {
  certificateMatchesKey,
  readCertificateAuthorityData,
  readClientCertificateData,
  readClientKeyData,
} from './inline-pem.js';
import { rejectKubeconfig } from './kubeconfig-rejection.js';
import type { KubeconfigCluster, KubeconfigUser } from './kubeconfig-schema.js';

export interface VettedCluster {
  server: URL;
  caPem?: string;
  tlsServerName?: string;
  insecureSkipTlsVerify: boolean;
}

/**
 * One `clusters[].cluster` entry, checked for use. `field` is where it sits in the file.
 * Insecure TLS was already refused by findRefusedField unless the caller allows it.
 */
export function vetCluster(cluster: KubeconfigCluster, field: string): VettedCluster {
  const server = vetServer(cluster.server, `${field}.server`);
  const caData = nonEmpty(cluster['certificate-authority-data']);
  const caPem = caData === undefined ? undefined : readCertificateAuthorityData(caData);
  if (caData !== undefined && caPem === undefined) {
    throw invalidPem(`${field}.certificate-authority-data`, 'one or more PEM certificates');
  }
  const tlsServerName = nonEmpty(cluster['tls-server-name']);
  if (tlsServerName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:-]*$/.test(tlsServerName)) {
    throw rejectKubeconfig(
      'INVALID_KUBECONFIG',
      `The kubeconfig field ${field}.tls-server-name is not a host name.`,
      { field: `${field}.tls-server-name` },
    );
  }
  return {
    server,
    ...(caPem === undefined ? {} : { caPem }),
    ...(tlsServerName === undefined ? {} : { tlsServerName }),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}

/** The message never quotes the URL: it may hold a password (`https://user:pw@host`). */
function vetServer(server: string | undefined, field: string): URL {
  if (server === undefined || server.trim() === '') {
    throw rejectKubeconfig('SERVER_MISSING', `The kubeconfig field ${field} is missing.`, {
      field,
    });
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw rejectKubeconfig('SERVER_INVALID', `The kubeconfig field ${field} is not a URL.`, {
      field,
    });
  }
  if (url.username !== '' || url.password !== '') {
    throw rejectKubeconfig(
      'SERVER_HAS_USERINFO',
      `The kubeconfig field ${field} carries credentials in the URL; put them in the user entry.`,
      { field },
    );
  }
  if (url.protocol !== 'https:') {
    throw rejectKubeconfig(
      'SERVER_NOT_HTTPS',
      `The kubeconfig field ${field} must be an https:// URL; Kubernetes API servers use TLS.`,
      { field },
    );
  }
  if (url.hostname === '' || url.search !== '' || url.hash !== '') {
    throw rejectKubeconfig(
      'SERVER_INVALID',
      `The kubeconfig field ${field} must be https://host[:port][/path], without a query or fragment.`,
      { field },
    );
  }
  return url;
}

/** One `users[].user` entry, as at most one kind of credential. */
export function vetUser(user: KubeconfigUser, field: string): ClusterCredentials {
  const token = nonEmpty(user.token);
  const certData = nonEmpty(user['client-certificate-data']);
  const keyData = nonEmpty(user['client-key-data']);
  const username = nonEmpty(user.username);
  const password = nonEmpty(user.password);

  const kinds = [
    token === undefined ? undefined : 'a token',
    certData === undefined && keyData === undefined ? undefined : 'a client certificate',
    username === undefined && password === undefined ? undefined : 'a user name and password',
  ].filter((kind) => kind !== undefined);
  if (kinds.length > 1) {
    throw rejectKubeconfig(
      'CREDENTIALS_CONFLICT',
      `The kubeconfig entry ${field} has ${kinds.join(' and ')}; keep only one.`,
      { field },
    );
  }

  if (token !== undefined) return { kind: 'token', token: vetToken(token, `${field}.token`) };
  if (certData !== undefined || keyData !== undefined) {
    return vetClientCertificate(certData, keyData, field);
  }
  if (username !== undefined || password !== undefined) {
    return vetBasic(username, password, field);
  }
  return { kind: 'none' };
}

function vetToken(token: string, field: string): string {
  const trimmed = token.trim();
  // Sent as `Authorization: Bearer <token>`: visible ASCII only, so nothing can break the header.
  if (!/^[\x21-\x7e]{1,16384}$/.test(trimmed)) {
    throw invalidCredential(field, 'a bearer token (visible ASCII characters, no spaces)');
  }
  return trimmed;
}

function vetClientCertificate(
  certData: string | undefined,
  keyData: string | undefined,
  field: string,
): ClusterCredentials {
  if (certData === undefined || keyData === undefined) {
    const missing = certData === undefined ? 'client-certificate-data' : 'client-key-data';
    throw rejectKubeconfig(
      'CREDENTIALS_INCOMPLETE',
      `The kubeconfig entry ${field} has half a client certificate: ${missing} is missing.`,
      { field: `${field}.${missing}` },
    );
  }
  const certificate = readClientCertificateData(certData);
  if (certificate === undefined) {
    throw invalidPem(`${field}.client-certificate-data`, 'a PEM certificate');
  }
  const key = readClientKeyData(keyData);
  if (key === undefined) {
    throw invalidPem(`${field}.client-key-data`, 'one unencrypted PEM private key');
  }
  if (!certificateMatchesKey(certificate.leaf, key.key)) {
    throw rejectKubeconfig(
      'CLIENT_KEY_MISMATCH',
      `The kubeconfig entry ${field} has a client key that does not belong to its certificate.`,
      { field: `${field}.client-key-data` },
    );
  }
  return { kind: 'client-certificate', certPem: certificate.pem, keyPem: key.pem };
}

function vetBasic(
  username: string | undefined,
  password: string | undefined,
  field: string,
): ClusterCredentials {
  if (username === undefined || password === undefined) {
    const missing = username === undefined ? 'username' : 'password';
    throw rejectKubeconfig(
      'CREDENTIALS_INCOMPLETE',
      `The kubeconfig entry ${field} has basic authentication without a ${missing}.`,
      { field: `${field}.${missing}` },
    );
  }
  // Basic authentication joins them with ':', so a user name must not contain one.
  if (username.includes(':') || hasControlCharacter(username)) {
    throw invalidCredential(`${field}.username`, 'a user name without ":" or control characters');
  }
  if (hasControlCharacter(password)) {
    throw invalidCredential(`${field}.password`, 'a password without control characters');
  }
  return { kind: 'basic', username, password };
}

function invalidPem(field: string, expected: string) {
  return rejectKubeconfig(
    'INVALID_PEM',
    `The kubeconfig field ${field} must be base64 of ${expected}.`,
    { field },
  );
}

function invalidCredential(field: string, expected: string) {
  return rejectKubeconfig(
    'INVALID_CREDENTIAL',
    `The kubeconfig field ${field} must be ${expected}.`,
    {
      field,
    },
  );
}

/** C0 controls and DEL: they have no place in a header, even base64-encoded. */
function hasControlCharacter(text: string): boolean {
  return [...text].some((character) => {
    const code = character.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f;
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
