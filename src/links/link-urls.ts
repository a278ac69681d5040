import type { InstructorScope, LinkSigner } from './signed-links.js';

/** Builds the URLs that signed links are handed out as; relative unless a public base is set. */
export interface LinkUrls {
  feedback(attemptId: string): Promise<{ url: string; expiresAt: Date }>;
  instructor(scope: InstructorScope): Promise<{ url: string; expiresAt: Date }>;
}

export function createLinkUrls(signer: LinkSigner, publicBaseUrl: string | undefined): LinkUrls {
  const base = publicBaseUrl ?? '';
  return {
    async feedback(attemptId) {
      const { token, expiresAt } = await signer.feedbackToken(attemptId);
      return { url: `${base}/feedback/${token}`, expiresAt };
    },
    async instructor(scope) {
      const { token, expiresAt } = await signer.instructorToken(scope);
      return { url: `${base}/instructor/${token}`, expiresAt };
    },
  };
}
