import { type KubeconfigRejectionReason } from './kubeconfig-rejection.js';

export interface RefusedField {
  reason: KubeconfigRejectionReason;
  /** Where in the file, e.g. `users[0].user.exec`. */
  field: string;
}

/**
 * Keys whose presence anywhere is refused, compared after case folding: client-go matches
 * kubeconfig keys the way Go's encoding/json does, without regard to case (and folding `ſ` to
 * `s`, the Kelvin sign to `k`), so `Exec:` would run a plugin there just as `exec:` would.
 */
const refusedKeys: ReadonlyMap<string, KubeconfigRejectionReason> = new Map([
  ['exec', 'EXEC_PLUGIN'],
  ['auth-provider', 'AUTH_PROVIDER'],
  ['authprovider', 'AUTH_PROVIDER'],
  ['certificate-authority', 'FILE_REFERENCE'],
  ['client-certificate', 'FILE_REFERENCE'],
  ['client-key', 'FILE_REFERENCE'],
  ['proxy-url', 'PROXY_URL'],
  ['proxyurl', 'PROXY_URL'],
  ['as', 'IMPERSONATION'],
  ['as-uid', 'IMPERSONATION'],
  ['as-groups', 'IMPERSONATION'],
  ['as-user-extra', 'IMPERSONATION'],
  ['impersonate', 'IMPERSONATION'],
  ['impersonate-user', 'IMPERSONATION'],
  ['impersonateuser', 'IMPERSONATION'],
  ['impersonate-uid', 'IMPERSONATION'],
  ['impersonate-groups', 'IMPERSONATION'],
  ['impersonate-user-extra', 'IMPERSONATION'],
]);

/** Keys that would rewrite an object's prototype in some consumer: never needed, so refused. */
const prototypeKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** `tokenFile`, `token-file`, `tokenfile`, `caFile`, `file`... (but not `profile`). */
function isFileKey(folded: string): boolean {
  return folded.endsWith('file') && !folded.endsWith('profile');
}

function foldKey(key: string): string {
  return key.normalize('NFKC').toUpperCase().toLowerCase();
}

/**
 * The first refused field anywhere in the document, in document order, or undefined.
 *
 * The whole file is searched, not only the chosen context's entries: a kubeconfig is accepted
 * only when every entry in it is acceptable. That is simpler to reason about than "unused
 * entries do not count" (no code path can ever pick up an unvetted entry), and the fix for a
 * learner is one command (`kubectl config view --minify --flatten`).
 */
export function findRefusedField(
  document: unknown,
  options: { allowInsecureTls: boolean },
): RefusedField | undefined {
  const visited = new Set<object>();
  const ancestors = new Set<object>();

  const visit = (node: unknown, path: string): RefusedField | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    if (ancestors.has(node)) return { reason: 'TOO_COMPLEX', field: path };
    // An anchored node used twice is the same object; once is enough to search it.
    if (visited.has(node)) return undefined;
    visited.add(node);
    ancestors.add(node);
    try {
      if (Array.isArray(node)) {
        for (const [index, item] of node.entries()) {
          const found = visit(item, `${path}[${index}]`);
          if (found) return found;
        }
        return undefined;
      }
      for (const [key, value] of Object.entries(node)) {
        const field = joinPath(path, key);
        const found = judgeKey(key, value, field, options) ?? visit(value, field);
        if (found) return found;
      }
      return undefined;
    } finally {
      ancestors.delete(node);
    }
  };
  return visit(document, '');
}

function judgeKey(
  key: string,
  value: unknown,
  field: string,
  options: { allowInsecureTls: boolean },
): RefusedField | undefined {
  const folded = foldKey(key);
  if (prototypeKeys.has(key)) return { reason: 'INVALID_KUBECONFIG', field };
  const reason = refusedKeys.get(folded) ?? (isFileKey(folded) ? 'FILE_REFERENCE' : undefined);
  if (reason !== undefined) return { reason, field };
  if (folded === 'insecure-skip-tls-verify' && value === true && !options.allowInsecureTls) {
    return { reason: 'INSECURE_TLS', field };
  }
  return undefined;
}

/** `users[0].user.exec`; keys that would read ambiguously are quoted, and long ones shortened. */
export function joinPath(path: string, key: string): string {
  const shown = key.length > 64 ? `${key.slice(0, 61)}...` : key;
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(shown)) return path === '' ? shown : `${path}.${shown}`;
  return `${path}[${JSON.stringify(shown)}]`;
}
