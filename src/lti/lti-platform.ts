import { z } from 'zod';

/** A tenant's LMS as registered with kubegrade (what the platform's admin screen shows). */
export const ltiPlatformRegistrationSchema = z.strictObject({
  /** The platform's issuer identifier (`iss` of its launches), e.g. https://moodle.example.edu */
  issuer: z.url().max(500),
  /** The client id the platform assigned to kubegrade. */
  clientId: z.string().min(1).max(200),
  deploymentId: z.string().min(1).max(200),
  /** OAuth 2 token endpoint for client credentials. */
  tokenEndpoint: z.url().max(2000),
  /** The platform's public keys (kept for launch verification). */
  platformJwksUrl: z.url().max(2000),
  /** The `aud` of client assertions when it is not the token endpoint (some platforms). */
  tokenAudience: z.string().min(1).max(2000).optional(),
});

export type LtiPlatformRegistration = z.infer<typeof ltiPlatformRegistrationSchema>;

export interface LtiPlatform extends LtiPlatformRegistration {
  id: string;
  tenantId: string;
}

/** Scope needed to post scores (LTI AGS). */
export const scoreScope = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';
