import type { ZodError } from 'zod';
import type { ClusterTarget } from './cluster-target.js';
import { findRefusedField, joinPath, type RefusedField } from './find-refused-field.js';
import { minifyAdvice, rejectKubeconfig } from './kubeconfig-rejection.js';
import { kubeconfigSchema, type Kubeconfig } from './kubeconfig-schema.js';
import { loadKubeconfigYaml } from './load-kubeconfig-yaml.js';
import { vetCluster, vetUser } from './vet-kubeconfig-entries.js';

export interface SanitizeKubeconfigOptions {
  /** The learner's kubeconfig text: hostile input. */
  kubeconfig: string;
  /** The context to use; defaults to the file's `current-context`. */
  context?: string;
  /** Whether `insecure-skip-tls-verify: true` may be accepted (an assessment's explicit choice). */
  allowInsecureTls: boolean;
}

/**
 * Turns a learner's kubeconfig into the one thing kubegrade needs to reach the cluster, or
 * refuses it with AppError `KUBECONFIG_REJECTED` (`details.reason`, and `details.field` where
 * the problem sits).
 *
 * Refused anywhere in the file, used or not: credential plugins (`exec`), `auth-provider`, every
 * field naming a local file, `proxy-url`, impersonation, and insecure TLS unless allowed. Then
 * every cluster and user entry must be valid (https server without userinfo, inline base64 PEM
 * that parses, one kind of credential). Pure: reads no file, runs nothing, opens no connection.
 */
export function sanitizeKubeconfig(options: SanitizeKubeconfigOptions): ClusterTarget {
  const document = loadKubeconfigYaml(options.kubeconfig);
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw rejectKubeconfig('INVALID_KUBECONFIG', 'The kubeconfig must be a YAML mapping.');
  }
  const refused = findRefusedField(document, { allowInsecureTls: options.allowInsecureTls });
  if (refused) throw refusedFieldError(refused);

  const parsed = kubeconfigSchema.safeParse(document);
  if (!parsed.success) throw shapeError(parsed.error, document);
  const config = parsed.data;
  refuseDuplicateNames(config);

  // Every entry is vetted, not only the chosen one: see findRefusedField for why.
  const clusters = config.clusters.map((entry, index) =>
    vetCluster(entry.cluster, `clusters[${index}].cluster`),
  );
  const users = config.users.map((entry, index) => vetUser(entry.user, `users[${index}].user`));
  config.contexts.forEach((entry, index) => vetNamespace(entry.context.namespace, index));

  const contextName = chooseContext(options.context, config['current-context']);
  const contextIndex = config.contexts.findIndex((entry) => entry.name === contextName);
  const context = config.contexts[contextIndex]?.context;
  if (context === undefined) {
    throw rejectKubeconfig(
      'CONTEXT_NOT_FOUND',
      `The kubeconfig has no context named "${shorten(contextName)}".`,
      { context: shorten(contextName) },
    );
  }

  const clusterIndex = config.clusters.findIndex((entry) => entry.name === context.cluster);
  const cluster = clusters[clusterIndex];
  if (cluster === undefined) {
    throw rejectKubeconfig(
      'CLUSTER_NOT_FOUND',
      `The context "${shorten(contextName)}" uses a cluster that the kubeconfig does not define.`,
      { field: `contexts[${contextIndex}].context.cluster`, cluster: shorten(context.cluster) },
    );
  }

  let credentials: ClusterTarget['credentials'] = { kind: 'none' };
  if (context.user !== undefined && context.user !== '') {
    const userName = context.user;
    const userIndex = config.users.findIndex((entry) => entry.name === userName);
    const user = users[userIndex];
    if (user === undefined) {
      throw rejectKubeconfig(
        'USER_NOT_FOUND',
        `The context "${shorten(contextName)}" uses a user that the kubeconfig does not define.`,
        { field: `contexts[${contextIndex}].context.user`, user: shorten(userName) },
      );
    }
    credentials = user;
  }

  const namespace = context.namespace === '' ? undefined : context.namespace;
  return {
    contextName,
    server: cluster.server,
    ...(namespace === undefined ? {} : { namespace }),
    ...(cluster.caPem === undefined ? {} : { caPem: cluster.caPem }),
    ...(cluster.tlsServerName === undefined ? {} : { tlsServerName: cluster.tlsServerName }),
    insecureSkipTlsVerify: cluster.insecureSkipTlsVerify,
    credentials,
  };
}

function chooseContext(requested: string | undefined, current: string | undefined): string {
  if (requested !== undefined && requested !== '') return requested;
  if (current !== undefined && current !== '') return current;
  throw rejectKubeconfig(
    'NO_CONTEXT',
    'The kubeconfig has no current-context and no context was chosen; name the context to use.',
  );
}

function refuseDuplicateNames(config: Kubeconfig): void {
  const lists = { clusters: config.clusters, users: config.users, contexts: config.contexts };
  for (const [listName, entries] of Object.entries(lists)) {
    const seen = new Set<string>();
    for (const [index, entry] of entries.entries()) {
      if (seen.has(entry.name)) {
        throw rejectKubeconfig(
          'DUPLICATE_NAME',
          `The kubeconfig has two ${listName} named "${shorten(entry.name)}".`,
          { field: `${listName}[${index}].name` },
        );
      }
      seen.add(entry.name);
    }
  }
}

/** A namespace ends up in request paths: it must be a DNS label, nothing else. */
function vetNamespace(namespace: string | undefined, contextIndex: number): void {
  if (namespace === undefined || namespace === '') return;
  if (namespace.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
    const field = `contexts[${contextIndex}].context.namespace`;
    throw rejectKubeconfig(
      'INVALID_KUBECONFIG',
      `The kubeconfig field ${field} is not a Kubernetes namespace name.`,
      { field },
    );
  }
}

const refusedFieldMessages: Record<string, (field: string) => string> = {
  EXEC_PLUGIN: (field) =>
    `The kubeconfig asks to run a credential plugin (${field}); kubegrade never runs programs ` +
    'from a kubeconfig. Use a token instead, for example from `kubectl create token <account>`.',
  AUTH_PROVIDER: (field) =>
    `The kubeconfig uses an auth-provider (${field}), which kubegrade does not run. Use a token ` +
    'instead, for example from `kubectl create token <account>`.',
  FILE_REFERENCE: (field) =>
    `The kubeconfig names a local file (${field}); kubegrade never reads files named in a ` +
    `kubeconfig. ${minifyAdvice}`,
  PROXY_URL: (field) =>
    `The kubeconfig sets a proxy (${field}); kubegrade connects to clusters directly.`,
  IMPERSONATION: (field) =>
    `The kubeconfig impersonates another identity (${field}); use that identity's own credentials.`,
  INSECURE_TLS: (field) =>
    `The kubeconfig turns off TLS verification (${field}), which this assessment does not allow. ` +
    "Give the cluster's CA in certificate-authority-data instead.",
  TOO_COMPLEX: (field) => `The kubeconfig refers to itself through an alias at ${field}.`,
};

function refusedFieldError(refused: RefusedField): Error {
  const message =
    refusedFieldMessages[refused.reason]?.(refused.field) ??
    `The kubeconfig uses a key that is not allowed (${refused.field}).`;
  return rejectKubeconfig(refused.reason, message, { field: refused.field });
}

/** Built from the issue's path and kind only: zod's own text is not passed on. */
function shapeError(error: ZodError, document: object): Error {
  const issue = error.issues[0];
  const field = (issue?.path ?? []).reduce<string>(
    (path, segment) =>
      typeof segment === 'number' ? `${path}[${segment}]` : joinPath(path, String(segment)),
    '',
  );
  let problem = 'is not valid';
  if (issue?.code === 'invalid_type') {
    const present = valueAt(document, issue.path) !== undefined;
    problem = present ? `must be of type ${issue.expected}` : 'is missing';
  } else if (issue?.code === 'too_big') {
    problem = 'is too long';
  } else if (issue?.code === 'too_small') {
    problem = 'is empty';
  }
  const where = field === '' ? 'The kubeconfig' : `The kubeconfig field ${field}`;
  return rejectKubeconfig('INVALID_KUBECONFIG', `${where} ${problem}.`, { field });
}

function valueAt(document: object, path: readonly PropertyKey[]): unknown {
  let node: unknown = document;
  for (const segment of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, segment))
      return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

/** Names are shown to help, but a hostile one should not fill a log line. */
function shorten(name: string): string {
  return name.length > 100 ? `${name.slice(0, 97)}...` : name;
}
