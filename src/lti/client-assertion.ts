import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { ToolKey } from './tool-key.js';

/**
 * The JWT a tool presents instead of a client secret (RFC 7523, as LTI 1.3 requires): issued by
 * and about the tool's client id, addressed to the platform's token endpoint, short-lived, with a
 * fresh jti so a platform can refuse a replay.
 */
export async function signClientAssertion(options: {
  key: ToolKey;
  clientId: string;
  audience: string;
  now: Date;
  lifetimeSeconds?: number;
}): Promise<string> {
  const issuedAt = Math.floor(options.now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid: options.key.kid, typ: 'JWT' })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.audience)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.lifetimeSeconds ?? 300))
    .setJti(randomUUID())
    .sign(options.key.privateKey);
}
