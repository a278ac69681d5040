import type { InstructorScope, LinkSigner } from './signed-links.js';

/** Builds the URLs that signed links are handed out as; relative unless a public base is set. */
export interface LinkUrls {
  feedback(attemptId: string): Promise<{ url: string; expiresAt: Date }>;
  instructor(scope: InstructorScope): Promise<{ url: string; expiresAt: Date }>;
}

/**
 * Feedback links are issued as of the start of the current window, so that the same attempt gets
 * the same link for the window's length: GET /v1/attempts/:id then answers the same bytes (and
 * ETag) to a poller until the attempt changes, and a poller that sends If-None-Match is answered
 * 304. A link lives at most this much less than FEEDBACK_LINK_TTL_SECONDS.
 */
export const feedbackLinkWindowMs = 5 * 60 * 1000;

export function createLinkUrls(signer: LinkSigner, publicBaseUrl: string | undefined): LinkUrls {
  const base = publicBaseUrl ?? '';
  return {
    async feedback(attemptId) {
      const now = Date.now();
      const { token, expiresAt } = await signer.feedbackToken(
        attemptId,
        new Date(now - (now % feedbackLinkWindowMs)),
      );
      return { url: `${base}/feedback/${token}`, expiresAt };
    },
    async instructor(scope) {
      const { token, expiresAt } = await signer.instructorToken(scope);
      return { url: `${base}/instructor/${token}`, expiresAt };
    },
  };
}
