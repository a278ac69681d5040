import { AppError } from '../errors/app-error.js';
import {
  describeAddressRefusal,
  type AddressRefusal,
} from '../cluster/outbound/address-refusal.js';
import {
  checkClusterHost,
  systemResolver,
  type HostResolver,
} from '../cluster/outbound/check-cluster-host.js';
import { compileOutboundPolicy, type OutboundPolicy } from '../cluster/outbound/outbound-policy.js';

/**
 * Where kubegrade may send integration traffic (webhook endpoints, an LMS's token and score
 * endpoints). The same guard as learners' clusters: a tenant could otherwise aim kubegrade at
 * the metadata service or a private network and read the answers back from the delivery log.
 */
export interface IntegrationOutbound {
  policy: OutboundPolicy;
  /** Plain http is refused unless this is set (development and tests against local servers). */
  allowHttp: boolean;
  resolver?: HostResolver;
}

/** Why a URL is refused before any connection; address reasons come from the outbound guard. */
export type IntegrationUrlProblem =
  { reason: 'NOT_A_URL' | 'NOT_HTTPS' | 'HAS_CREDENTIALS' | 'HAS_FRAGMENT' } | AddressRefusal;

/** Parses and judges a URL by its form alone: scheme, no user:password, no fragment. */
export function judgeIntegrationUrlForm(
  text: string,
  allowHttp: boolean,
): { url: URL } | { problem: IntegrationUrlProblem } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: { reason: 'NOT_A_URL' } };
  }
  const schemeAllowed = url.protocol === 'https:' || (allowHttp && url.protocol === 'http:');
  if (!schemeAllowed) return { problem: { reason: 'NOT_HTTPS' } };
  if (url.username !== '' || url.password !== '') return { problem: { reason: 'HAS_CREDENTIALS' } };
  if (url.hash !== '') return { problem: { reason: 'HAS_FRAGMENT' } };
  return { url };
}

/**
 * The registration-time check: form, then the host and every address it resolves to. Throws
 * `INTEGRATION_URL_REFUSED` (422) with `details.reason` (and host/address for address refusals);
 * the URL itself is not echoed, since some receivers put a token in it.
 */
export async function assertIntegrationUrlAllowed(
  text: string,
  outbound: IntegrationOutbound,
  field: string,
): Promise<URL> {
  const form = judgeIntegrationUrlForm(text, outbound.allowHttp);
  if ('problem' in form) throw integrationUrlRefused(field, form.problem);
  const check = await checkClusterHost(
    form.url.hostname,
    compileOutboundPolicy(outbound.policy),
    outbound.resolver ?? systemResolver,
  );
  if (!check.allowed) {
    throw integrationUrlRefused(field, { ...check.refusal });
  }
  return form.url;
}

const formMessages: Record<Exclude<IntegrationUrlProblem, AddressRefusal>['reason'], string> = {
  NOT_A_URL: 'is not an absolute URL',
  NOT_HTTPS: 'must use https',
  HAS_CREDENTIALS: 'must not carry a user name or password',
  HAS_FRAGMENT: 'must not have a #fragment',
};

export function integrationUrlRefused(field: string, problem: IntegrationUrlProblem): AppError {
  const why =
    'host' in problem
      ? `points at ${describeAddressRefusal(problem)}`
      : formMessages[problem.reason];
  return new AppError('INTEGRATION_URL_REFUSED', `The ${field} URL ${why}.`, {
    field,
    ...problem,
  });
}
