import { dump } from 'js-yaml';
import { AppError } from '../../../src/errors/app-error.js';
import { describeClusterTarget } from '../../../src/cluster/kubeconfig/cluster-target.js';
import { sanitizeKubeconfig } from '../../../src/cluster/kubeconfig/sanitize-kubeconfig.js';
import { base64, createTestAuthority } from './test-certificates.js';

type Mapping = Record<string, unknown>;

const authority = createTestAuthority('learner-ca');
const client = authority.issue({ commonName: 'learner', usage: 'client' });
const otherClient = authority.issue({ commonName: 'someone-else', usage: 'client' });

/** Strings that must never show up in an error, whatever was refused. */
const token = 'tok3n-SECRET-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const password = 'pa55word-SECRET-bbbbbbbbbbbb';
const caData = base64(authority.certPem);
const certData = base64(client.certPem);
const keyData = base64(client.keyPem);
const secrets = [token, password, caData, certData, keyData, client.keyPem.split('\n')[1] ?? ''];

/** A kubeconfig as `kubectl config view --minify --flatten` writes it, plus a spare user. */
function kubeconfig(): Mapping {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [
      {
        name: 'lab',
        cluster: { server: 'https://lab.example.com:6443', 'certificate-authority-data': caData },
      },
    ],
    users: [
      { name: 'learner', user: { token } },
      { name: 'spare', user: { username: 'admin', password } },
    ],
    contexts: [
      { name: 'lab', context: { cluster: 'lab', user: 'learner', namespace: 'lesson-1' } },
    ],
    'current-context': 'lab',
  };
}

function text(change: (config: Mapping) => void = () => {}): string {
  const config = kubeconfig();
  change(config);
  return dump(config);
}

function entry(config: Mapping, list: string, index: number, key: string): Mapping {
  return ((config[list] as Mapping[])[index] as Mapping)[key] as Mapping;
}

function rejectionOf(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function expectNoSecrets(error: AppError): void {
  const shown = JSON.stringify(error) + error.message + String(error.stack);
  for (const secret of secrets) expect(shown).not.toContain(secret);
}

describe('sanitizeKubeconfig, when the kubeconfig is acceptable', () => {
  it('gives the current context’s server, CA, namespace and token', () => {
    const target = sanitizeKubeconfig({ kubeconfig: text(), allowInsecureTls: false });
    expect(target.contextName).toBe('lab');
    expect(target.server.href).toBe('https://lab.example.com:6443/');
    expect(target.namespace).toBe('lesson-1');
    expect(target.caPem).toBe(authority.certPem.replace(/\r\n/g, '\n'));
    expect(target.insecureSkipTlsVerify).toBe(false);
    expect(target.credentials).toEqual({ kind: 'token', token });
  });

  it('uses the context the caller names instead of current-context', () => {
    const target = sanitizeKubeconfig({
      kubeconfig: text((config) => {
        (config.contexts as Mapping[]).push({
          name: 'admin',
          context: { cluster: 'lab', user: 'spare' },
        });
      }),
      context: 'admin',
      allowInsecureTls: false,
    });
    expect(target.contextName).toBe('admin');
    expect(target.namespace).toBeUndefined();
    expect(target.credentials).toEqual({ kind: 'basic', username: 'admin', password });
  });

  it('reads a client certificate and its key as PEM', () => {
    const target = sanitizeKubeconfig({
      kubeconfig: text((config) => {
        entry(config, 'users', 0, 'user').token = undefined;
        Object.assign(entry(config, 'users', 0, 'user'), {
          'client-certificate-data': certData,
          'client-key-data': keyData,
        });
      }),
      allowInsecureTls: false,
    });
    expect(target.credentials).toEqual({
      kind: 'client-certificate',
      certPem: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
      keyPem: expect.stringContaining('-----BEGIN PRIVATE KEY-----'),
    });
  });

  it('takes a context without a user as no credentials', () => {
    const target = sanitizeKubeconfig({
      kubeconfig: text((config) => {
        delete entry(config, 'contexts', 0, 'context').user;
      }),
      allowInsecureTls: false,
    });
    expect(target.credentials).toEqual({ kind: 'none' });
  });

  it('tolerates harmless fields: preferences, extensions, tls-server-name, disable-compression', () => {
    const target = sanitizeKubeconfig({
      kubeconfig: text((config) => {
        Object.assign(entry(config, 'clusters', 0, 'cluster'), {
          'tls-server-name': 'api.internal.example.com',
          'disable-compression': true,
          extensions: [{ name: 'cluster_info', extension: { provider: 'minikube.sigs.k8s.io' } }],
        });
        config.preferences = { colors: true };
        config.extensions = [{ name: 'something', extension: { note: 'hi' } }];
        config['some-future-field'] = { anything: [1, 2, 3] };
      }),
      allowInsecureTls: false,
    });
    expect(target.tlsServerName).toBe('api.internal.example.com');
  });

  it('accepts insecure-skip-tls-verify only when the assessment allows it', () => {
    const insecure = text((config) => {
      entry(config, 'clusters', 0, 'cluster')['insecure-skip-tls-verify'] = true;
    });
    expect(
      sanitizeKubeconfig({ kubeconfig: insecure, allowInsecureTls: true }).insecureSkipTlsVerify,
    ).toBe(true);
    expect(
      rejectionOf(() => sanitizeKubeconfig({ kubeconfig: insecure, allowInsecureTls: false }))
        .details,
    ).toEqual({
      reason: 'INSECURE_TLS',
      field: 'clusters[0].cluster.insecure-skip-tls-verify',
    });
  });

  it('takes `null` lists and an empty user as empty', () => {
    const target = sanitizeKubeconfig({
      kubeconfig: [
        'clusters:',
        '- name: c',
        '  cluster: {server: "https://203.0.113.10"}',
        'users:',
        '- name: u',
        '  user:',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
        'preferences: null',
      ].join('\n'),
      allowInsecureTls: false,
    });
    expect(target.credentials).toEqual({ kind: 'none' });
    expect(target.caPem).toBeUndefined();
  });
});

interface RefusalCase {
  name: string;
  change: (config: Mapping) => void;
  reason: string;
  field?: string;
  context?: string;
}

const user = (config: Mapping, index = 0) => entry(config, 'users', index, 'user');
const cluster = (config: Mapping) => entry(config, 'clusters', 0, 'cluster');
const context = (config: Mapping) => entry(config, 'contexts', 0, 'context');
const useClientCertificate = (config: Mapping, cert: string, key: string | undefined) => {
  delete user(config).token;
  user(config)['client-certificate-data'] = cert;
  if (key !== undefined) user(config)['client-key-data'] = key;
};

const refusals: RefusalCase[] = [
  {
    name: 'an exec credential plugin in the chosen user',
    change: (config) => (user(config).exec = { command: 'sh', args: ['-c', 'id'] }),
    reason: 'EXEC_PLUGIN',
    field: 'users[0].user.exec',
  },
  {
    name: 'an exec plugin in a user no context uses',
    change: (config) =>
      (user(config, 1).exec = { command: 'aws', env: [{ name: 'X', value: token }] }),
    reason: 'EXEC_PLUGIN',
    field: 'users[1].user.exec',
  },
  {
    name: 'an exec plugin spelled with capitals (client-go matches keys without case)',
    change: (config) => (user(config).Exec = { command: 'sh' }),
    reason: 'EXEC_PLUGIN',
    field: 'users[0].user.Exec',
  },
  {
    name: 'impersonation spelled with a long s (Go folds ſ to s when matching keys)',
    change: (config) => (user(config)['a\u017f'] = 'system:admin'),
    reason: 'IMPERSONATION',
    field: 'users[0].user["a\u017f"]',
  },
  {
    name: 'a CA file spelled with capitals',
    change: (config) => (cluster(config)['Certificate-Authority'] = '/etc/shadow'),
    reason: 'FILE_REFERENCE',
    field: 'clusters[0].cluster.Certificate-Authority',
  },
  {
    name: 'an auth-provider',
    change: (config) =>
      (user(config)['auth-provider'] = { name: 'oidc', config: { 'refresh-token': token } }),
    reason: 'AUTH_PROVIDER',
    field: 'users[0].user.auth-provider',
  },
  {
    name: 'a CA file',
    change: (config) => (cluster(config)['certificate-authority'] = '/etc/shadow'),
    reason: 'FILE_REFERENCE',
    field: 'clusters[0].cluster.certificate-authority',
  },
  {
    name: 'a client certificate file',
    change: (config) => (user(config)['client-certificate'] = '/root/.kube/cert.pem'),
    reason: 'FILE_REFERENCE',
    field: 'users[0].user.client-certificate',
  },
  {
    name: 'a client key file',
    change: (config) => (user(config, 1)['client-key'] = '/root/.kube/key.pem'),
    reason: 'FILE_REFERENCE',
    field: 'users[1].user.client-key',
  },
  {
    name: 'tokenFile',
    change: (config) => (user(config).tokenFile = '/var/run/secrets/token'),
    reason: 'FILE_REFERENCE',
    field: 'users[0].user.tokenFile',
  },
  {
    name: 'tokenfile in lower case',
    change: (config) => (user(config).tokenfile = '/var/run/secrets/token'),
    reason: 'FILE_REFERENCE',
    field: 'users[0].user.tokenfile',
  },
  {
    name: 'token-file',
    change: (config) => (user(config)['token-file'] = '/var/run/secrets/token'),
    reason: 'FILE_REFERENCE',
    field: 'users[0].user.token-file',
  },
  {
    name: 'any other *-file field',
    change: (config) => (cluster(config)['credentials-file'] = '/etc/passwd'),
    reason: 'FILE_REFERENCE',
    field: 'clusters[0].cluster.credentials-file',
  },
  {
    name: 'a proxy-url',
    change: (config) => (cluster(config)['proxy-url'] = 'socks5://127.0.0.1:1080'),
    reason: 'PROXY_URL',
    field: 'clusters[0].cluster.proxy-url',
  },
  {
    name: 'impersonation with as',
    change: (config) => (user(config).as = 'system:admin'),
    reason: 'IMPERSONATION',
    field: 'users[0].user.as',
  },
  {
    name: 'impersonation with as-groups',
    change: (config) => (user(config)['as-groups'] = ['system:masters']),
    reason: 'IMPERSONATION',
    field: 'users[0].user.as-groups',
  },
  {
    name: 'impersonation with as-uid',
    change: (config) => (user(config)['as-uid'] = '0'),
    reason: 'IMPERSONATION',
    field: 'users[0].user.as-uid',
  },
  {
    name: 'impersonation with as-user-extra',
    change: (config) => (user(config)['as-user-extra'] = { scopes: ['x'] }),
    reason: 'IMPERSONATION',
    field: 'users[0].user.as-user-extra',
  },
  {
    name: 'insecure-skip-tls-verify',
    change: (config) => (cluster(config)['insecure-skip-tls-verify'] = true),
    reason: 'INSECURE_TLS',
    field: 'clusters[0].cluster.insecure-skip-tls-verify',
  },
  {
    name: 'a plain http server',
    change: (config) => (cluster(config).server = 'http://lab.example.com:8080'),
    reason: 'SERVER_NOT_HTTPS',
    field: 'clusters[0].cluster.server',
  },
  {
    name: 'a server URL of another scheme',
    change: (config) => (cluster(config).server = 'file:///etc/passwd'),
    reason: 'SERVER_NOT_HTTPS',
    field: 'clusters[0].cluster.server',
  },
  {
    name: 'a server URL carrying a user and password',
    change: (config) => (cluster(config).server = `https://admin:${password}@lab.example.com`),
    reason: 'SERVER_HAS_USERINFO',
    field: 'clusters[0].cluster.server',
  },
  {
    name: 'a server URL with a query',
    change: (config) => (cluster(config).server = `https://lab.example.com/?token=${token}`),
    reason: 'SERVER_INVALID',
    field: 'clusters[0].cluster.server',
  },
  {
    name: 'a server that is not a URL',
    change: (config) => (cluster(config).server = 'lab.example.com:6443'),
    reason: 'SERVER_NOT_HTTPS',
    field: 'clusters[0].cluster.server',
  },
  {
    name: 'a server that does not parse',
    change: (config) => (cluster(config).server = 'https://[not-ipv6]/'),
    reason: 'SERVER_INVALID',
    field: 'clusters[0].cluster.server',
  },
  {
    name: 'a missing server',
    change: (config) => delete cluster(config).server,
    reason: 'SERVER_MISSING',
    field: 'clusters[0].cluster.server',
  },
  {
    name: 'CA data that is not base64',
    change: (config) => (cluster(config)['certificate-authority-data'] = `not base64! ${token}`),
    reason: 'INVALID_PEM',
    field: 'clusters[0].cluster.certificate-authority-data',
  },
  {
    name: 'CA data that is PEM but not base64 of it',
    change: (config) => (cluster(config)['certificate-authority-data'] = authority.certPem),
    reason: 'INVALID_PEM',
    field: 'clusters[0].cluster.certificate-authority-data',
  },
  {
    name: 'CA data holding a private key instead of a certificate',
    change: (config) => (cluster(config)['certificate-authority-data'] = keyData),
    reason: 'INVALID_PEM',
    field: 'clusters[0].cluster.certificate-authority-data',
  },
  {
    name: 'a corrupt certificate inside valid PEM armour',
    change: (config) =>
      (cluster(config)['certificate-authority-data'] = base64(
        `-----BEGIN CERTIFICATE-----\n${base64('not a certificate')}\n-----END CERTIFICATE-----\n`,
      )),
    reason: 'INVALID_PEM',
    field: 'clusters[0].cluster.certificate-authority-data',
  },
  {
    name: 'a client certificate without its key',
    change: (config) => useClientCertificate(config, certData, undefined),
    reason: 'CREDENTIALS_INCOMPLETE',
    field: 'users[0].user.client-key-data',
  },
  {
    name: 'client key data that is a certificate',
    change: (config) => useClientCertificate(config, certData, certData),
    reason: 'INVALID_PEM',
    field: 'users[0].user.client-key-data',
  },
  {
    name: 'a client key that belongs to another certificate',
    change: (config) => useClientCertificate(config, base64(otherClient.certPem), keyData),
    reason: 'CLIENT_KEY_MISMATCH',
    field: 'users[0].user.client-key-data',
  },
  {
    name: 'a token and a client certificate together',
    change: (config) =>
      Object.assign(user(config), {
        'client-certificate-data': certData,
        'client-key-data': keyData,
      }),
    reason: 'CREDENTIALS_CONFLICT',
    field: 'users[0].user',
  },
  {
    name: 'a token and a password together',
    change: (config) => Object.assign(user(config), { username: 'admin', password }),
    reason: 'CREDENTIALS_CONFLICT',
    field: 'users[0].user',
  },
  {
    name: 'a token that would break the Authorization header',
    change: (config) => (user(config).token = `${token}\r\nX-Injected: 1`),
    reason: 'INVALID_CREDENTIAL',
    field: 'users[0].user.token',
  },
  {
    name: 'a user name with a colon',
    change: (config) => (user(config, 1).username = 'ad:min'),
    reason: 'INVALID_CREDENTIAL',
    field: 'users[1].user.username',
  },
  {
    name: 'a user name without a password',
    change: (config) => delete user(config, 1).password,
    reason: 'CREDENTIALS_INCOMPLETE',
    field: 'users[1].user.password',
  },
  {
    name: 'a token that is not a string',
    change: (config) => (user(config).token = 12345),
    reason: 'INVALID_KUBECONFIG',
    field: 'users[0].user.token',
  },
  {
    name: 'a namespace that is not a namespace name',
    change: (config) => (context(config).namespace = '../../secrets'),
    reason: 'INVALID_KUBECONFIG',
    field: 'contexts[0].context.namespace',
  },
  {
    name: 'a tls-server-name that is not a host name',
    change: (config) => (cluster(config)['tls-server-name'] = 'a b/c'),
    reason: 'INVALID_KUBECONFIG',
    field: 'clusters[0].cluster.tls-server-name',
  },
  {
    name: 'two clusters with one name',
    change: (config) =>
      (config.clusters as Mapping[]).push({
        name: 'lab',
        cluster: { server: 'https://elsewhere.example.com' },
      }),
    reason: 'DUPLICATE_NAME',
    field: 'clusters[1].name',
  },
  {
    name: 'a context naming a cluster that is not there',
    change: (config) => (context(config).cluster = 'missing'),
    reason: 'CLUSTER_NOT_FOUND',
    field: 'contexts[0].context.cluster',
  },
  {
    name: 'a context naming a user that is not there',
    change: (config) => (context(config).user = 'missing'),
    reason: 'USER_NOT_FOUND',
    field: 'contexts[0].context.user',
  },
  {
    name: 'no current-context and no context chosen',
    change: (config) => delete config['current-context'],
    reason: 'NO_CONTEXT',
  },
  {
    name: 'a current-context that does not exist',
    change: (config) => (config['current-context'] = 'gone'),
    reason: 'CONTEXT_NOT_FOUND',
  },
  {
    name: 'a chosen context that does not exist',
    change: () => {},
    context: 'gone',
    reason: 'CONTEXT_NOT_FOUND',
  },
];

describe('sanitizeKubeconfig refuses', () => {
  it.each(refusals)('$name ($reason), without showing any secret', (refusal) => {
    const error = rejectionOf(() =>
      sanitizeKubeconfig({
        kubeconfig: text(refusal.change),
        ...(refusal.context === undefined ? {} : { context: refusal.context }),
        allowInsecureTls: false,
      }),
    );
    expect(error.code).toBe('KUBECONFIG_REJECTED');
    expect(error.details.reason).toBe(refusal.reason);
    if (refusal.field !== undefined) expect(error.details.field).toBe(refusal.field);
    expect(error.message.length).toBeGreaterThan(10);
    expectNoSecrets(error);
  });
});

const tokenLine = `    token: ${token}`;
const validTail = [
  'clusters: [{name: c, cluster: {server: "https://lab.example.com"}}]',
  'contexts: [{name: x, context: {cluster: c, user: u}}]',
  'current-context: x',
];

const textRefusals: { name: string; kubeconfig: string; reason: string }[] = [
  {
    name: 'text larger than 64 KiB',
    kubeconfig: `${text()}\n# ${'x'.repeat(64 * 1024)}`,
    reason: 'TOO_LARGE',
  },
  {
    name: 'broken YAML next to a token',
    kubeconfig: ['users:', '- name: u', '  user:', tokenLine, `  password: "${password}`].join(
      '\n',
    ),
    reason: 'INVALID_YAML',
  },
  {
    name: 'a key written twice (parsers would disagree on which one counts)',
    kubeconfig: ['users:', '- name: u', '  user:', tokenLine, tokenLine, ...validTail].join('\n'),
    reason: 'INVALID_YAML',
  },
  {
    name: 'two YAML documents',
    kubeconfig: `${text()}\n---\n${text()}`,
    reason: 'INVALID_YAML',
  },
  {
    name: 'a custom tag',
    kubeconfig: `users: !!js/function "function () { return 1 }"\n`,
    reason: 'INVALID_YAML',
  },
  {
    name: 'an empty text',
    kubeconfig: '',
    reason: 'INVALID_YAML',
  },
  {
    name: 'a list instead of a mapping',
    kubeconfig: '- a\n- b\n',
    reason: 'INVALID_KUBECONFIG',
  },
  {
    name: 'an alias bomb',
    kubeconfig: [
      'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n'),
    reason: 'TOO_COMPLEX',
  },
  {
    name: 'an alias cycle',
    kubeconfig: `preferences: &p {loop: [*p]}\n${validTail.join('\n')}\n`,
    reason: 'TOO_COMPLEX',
  },
  {
    name: 'deep nesting',
    kubeconfig: `preferences: ${'['.repeat(50)}${']'.repeat(50)}\n`,
    reason: 'TOO_COMPLEX',
  },
  {
    name: 'a __proto__ key',
    kubeconfig: [
      'users:',
      '- name: u',
      '  user:',
      tokenLine,
      '    __proto__: {exec: null}',
      ...validTail,
    ].join('\n'),
    reason: 'INVALID_KUBECONFIG',
  },
];

describe('sanitizeKubeconfig refuses unsafe text', () => {
  it.each(textRefusals)('$name ($reason), without showing any secret', (refusal) => {
    const error = rejectionOf(() =>
      sanitizeKubeconfig({ kubeconfig: refusal.kubeconfig, allowInsecureTls: false }),
    );
    expect(error.code).toBe('KUBECONFIG_REJECTED');
    expect(error.details.reason).toBe(refusal.reason);
    expectNoSecrets(error);
  });

  it('names the line of a YAML mistake', () => {
    const error = rejectionOf(() =>
      sanitizeKubeconfig({
        kubeconfig: ['users:', '- name: u', '  user:', tokenLine, tokenLine].join('\n'),
        allowInsecureTls: false,
      }),
    );
    expect(error.details).toMatchObject({ line: 5, problem: 'duplicated mapping key' });
  });
});

describe('describeClusterTarget', () => {
  it('keeps the origin, the context, the namespace and the kind of credential only', () => {
    const target = sanitizeKubeconfig({
      kubeconfig: text((config) => {
        cluster(config).server = 'https://lab.example.com:6443/k8s/clusters/c-1';
      }),
      allowInsecureTls: false,
    });
    const summary = describeClusterTarget(target);
    expect(summary).toEqual({
      contextName: 'lab',
      server: 'https://lab.example.com:6443',
      namespace: 'lesson-1',
      credentials: 'token',
      insecureSkipTlsVerify: false,
    });
    const shown = JSON.stringify(summary);
    for (const secret of secrets) expect(shown).not.toContain(secret);
  });
});
