import { randomUUID } from 'node:crypto';
import {
  assertIntegrationUrlAllowed,
  type IntegrationOutbound,
} from '../integrations/integration-url.js';
import type { LtiPlatform, LtiPlatformRegistration } from './lti-platform.js';
import type { LtiRepository } from './lti-repository.js';

/**
 * Registers (or replaces) a tenant's LMS. The URLs kubegrade will call pass the outbound guard
 * now, as webhook URLs do; each call passes it again at connect time.
 */
export async function registerLtiPlatform(
  deps: { lti: LtiRepository; outbound: IntegrationOutbound },
  options: { tenantId: string; registration: LtiPlatformRegistration },
): Promise<LtiPlatform> {
  await assertIntegrationUrlAllowed(
    options.registration.tokenEndpoint,
    deps.outbound,
    'tokenEndpoint',
  );
  await assertIntegrationUrlAllowed(
    options.registration.platformJwksUrl,
    deps.outbound,
    'platformJwksUrl',
  );
  return deps.lti.savePlatform(options.tenantId, randomUUID(), options.registration);
}
