import { createHmac, createSecretKey } from 'node:crypto';
import { jwtVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';

/**
 * Signed, expiring links for browsers: the learner's feedback page and the instructor's views.
 * A link carries a short JWT (HS256, key from LINK_SIGNING_KEY) that names exactly what it opens,
 * so no API key ever reaches a browser. The audience keeps a feedback link from opening an
 * instructor view and the other way round.
 */

const issuer = 'kubegrade';
const feedbackAudience = 'kubegrade:feedback';
const instructorAudience = 'kubegrade:instructor';

export interface FeedbackGrant {
  attemptId: string;
  expiresAt: Date;
}

export const instructorScopeSchema = z.object({
  tenantId: z.string().min(1).max(100),
  assessmentId: z.string().min(1).max(100),
  /** A link for one course shows only that course; without it, every course of the tenant. */
  courseId: z.string().min(1).max(200).optional(),
  /** Who the link was issued to (the LMS's user id), recorded on overrides made through it. */
  instructor: z.string().min(1).max(200),
});
export type InstructorScope = z.infer<typeof instructorScopeSchema>;

export interface InstructorGrant extends InstructorScope {
  expiresAt: Date;
}

export interface LinkSigner {
  feedbackToken(attemptId: string, now?: Date): Promise<{ token: string; expiresAt: Date }>;
  readFeedbackToken(token: string): Promise<FeedbackGrant>;
  instructorToken(scope: InstructorScope, now?: Date): Promise<{ token: string; expiresAt: Date }>;
  readInstructorToken(token: string): Promise<InstructorGrant>;
}

export interface LinkSignerOptions {
  /** At least 32 bytes. */
  key: Uint8Array;
  feedbackTtlSeconds: number;
  instructorTtlSeconds: number;
}

const feedbackClaims = z.object({ sub: z.uuid() });
const instructorClaims = z.object({
  sub: z.string(),
  tid: z.string(),
  aid: z.string(),
  cid: z.string().optional(),
});

export function createLinkSigner(options: LinkSignerOptions): LinkSigner {
  if (options.key.length < 32) throw new Error('link signing key must be at least 32 bytes');
  // Imported once: handing jose the raw bytes made it import the key again for every link,
  // one more WebCrypto job on every POST and GET of an attempt.
  const key = globalThis.crypto.subtle.importKey(
    'raw',
    options.key,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );

  // Signing is on every POST and GET of an attempt (the feedback link), so it is done here with
  // one synchronous HMAC: jose's SignJWT went through WebCrypto's job queue, and that cost more
  // API CPU than the request's database statement. The token is the same compact HS256 JWS
  // (header {"alg":"HS256"}), which jose verifies below.
  const hmacKey = createSecretKey(options.key);
  const protectedHeader = Buffer.from(JSON.stringify({ alg: 'HS256' })).toString('base64url');
  const sign = (
    claims: Record<string, string>,
    subject: string,
    audience: string,
    ttlSeconds: number,
    now: Date,
  ) => {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const expiresAt = new Date((issuedAt + ttlSeconds) * 1000);
    const payload = Buffer.from(
      JSON.stringify({
        ...claims,
        iss: issuer,
        aud: audience,
        sub: subject,
        iat: issuedAt,
        exp: issuedAt + ttlSeconds,
      }),
    ).toString('base64url');
    const signingInput = `${protectedHeader}.${payload}`;
    const signature = createHmac('sha256', hmacKey).update(signingInput).digest('base64url');
    return Promise.resolve({ token: `${signingInput}.${signature}`, expiresAt });
  };

  const verify = async (token: string, audience: string) => {
    try {
      const { payload } = await jwtVerify(token, await key, {
        issuer,
        audience,
        algorithms: ['HS256'],
      });
      return payload;
    } catch (error) {
      const expired = error instanceof joseErrors.JWTExpired;
      throw new AppError(
        'LINK_INVALID',
        expired
          ? 'This link has expired; ask for a new one.'
          : 'This link is not valid; ask for a new one.',
        { reason: expired ? 'expired' : 'invalid' },
      );
    }
  };

  const expiryOf = (exp: number | undefined) => new Date((exp ?? 0) * 1000);

  return {
    feedbackToken: (attemptId, now = new Date()) =>
      sign({}, attemptId, feedbackAudience, options.feedbackTtlSeconds, now),
    async readFeedbackToken(token) {
      const payload = await verify(token, feedbackAudience);
      const claims = feedbackClaims.safeParse(payload);
      if (!claims.success) throw invalidLink();
      return { attemptId: claims.data.sub, expiresAt: expiryOf(payload.exp) };
    },
    instructorToken: (scope, now = new Date()) =>
      sign(
        {
          tid: scope.tenantId,
          aid: scope.assessmentId,
          ...(scope.courseId === undefined ? {} : { cid: scope.courseId }),
        },
        scope.instructor,
        instructorAudience,
        options.instructorTtlSeconds,
        now,
      ),
    async readInstructorToken(token) {
      const payload = await verify(token, instructorAudience);
      const claims = instructorClaims.safeParse(payload);
      if (!claims.success) throw invalidLink();
      return {
        tenantId: claims.data.tid,
        assessmentId: claims.data.aid,
        ...(claims.data.cid === undefined ? {} : { courseId: claims.data.cid }),
        instructor: claims.data.sub,
        expiresAt: expiryOf(payload.exp),
      };
    },
  };
}

function invalidLink(): AppError {
  return new AppError('LINK_INVALID', 'This link is not valid; ask for a new one.', {
    reason: 'invalid',
  });
}
