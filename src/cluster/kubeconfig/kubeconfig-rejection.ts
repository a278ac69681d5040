import { AppError } from '../../errors/app-error.js';

/**
 * Why a kubeconfig was refused. Stable: clients may branch on it. Sent with AppError
 * `KUBECONFIG_REJECTED` as `details.reason`, with `details.field` naming the place in the file
 * (`users[0].user.exec`) when there is one. Details and messages never carry a value from the
 * file other than names (context, cluster and user names, keys).
 */
export const kubeconfigRejectionReasons = [
  /** Larger than the size limit. */
  'TOO_LARGE',
  /** Not YAML, or more than one document. */
  'INVALID_YAML',
  /** Nested too deeply, too many aliases, or an alias cycle. */
  'TOO_COMPLEX',
  /** A field of the wrong type or shape. */
  'INVALID_KUBECONFIG',
  /** Two clusters, users or contexts with one name: which one is meant would be a guess. */
  'DUPLICATE_NAME',
  'NO_CONTEXT',
  'CONTEXT_NOT_FOUND',
  'CLUSTER_NOT_FOUND',
  'USER_NOT_FOUND',
  /** `exec`: would run a program. */
  'EXEC_PLUGIN',
  /** `auth-provider`: would run provider code and refresh tokens. */
  'AUTH_PROVIDER',
  /** Any field naming a local file (`client-key`, `tokenFile`, `certificate-authority`...). */
  'FILE_REFERENCE',
  'PROXY_URL',
  /** `as`, `as-groups`, `as-uid`, `as-user-extra`: acting as someone else. */
  'IMPERSONATION',
  /** `insecure-skip-tls-verify: true` where the assessment does not allow it. */
  'INSECURE_TLS',
  'SERVER_MISSING',
  'SERVER_INVALID',
  'SERVER_NOT_HTTPS',
  /** `https://user:password@host`: credentials belong in the user entry. */
  'SERVER_HAS_USERINFO',
  /** `*-data` that is not base64 of the expected PEM certificates or key. */
  'INVALID_PEM',
  'CLIENT_KEY_MISMATCH',
  /** A token, user name or password that could not be sent as an HTTP header. */
  'INVALID_CREDENTIAL',
  /** Half a credential: a certificate without a key, a user name without a password. */
  'CREDENTIALS_INCOMPLETE',
  /** More than one kind of credential in one user: which one is meant would be a guess. */
  'CREDENTIALS_CONFLICT',
] as const;

export type KubeconfigRejectionReason = (typeof kubeconfigRejectionReasons)[number];

export function rejectKubeconfig(
  reason: KubeconfigRejectionReason,
  message: string,
  details: { field?: string; [key: string]: unknown } = {},
): AppError {
  return new AppError('KUBECONFIG_REJECTED', message, { reason, ...details });
}

/** The advice that fixes most refusals: a kubeconfig of one context, with data inlined. */
export const minifyAdvice =
  'Send a kubeconfig with inline credentials only, for example the output of ' +
  '`kubectl config view --minify --flatten --raw`.';
