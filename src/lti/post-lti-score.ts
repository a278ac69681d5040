import { integrationMetrics } from '../integrations/integration-metrics.js';
import type { IntegrationOutbound } from '../integrations/integration-url.js';
import { sendGuardedRequest } from '../integrations/send-guarded-request.js';
import type { LtiAccessTokens } from './lti-access-tokens.js';
import { scoreScope } from './lti-platform.js';
import { progressOf, type LtiRepository } from './lti-repository.js';
import { buildLtiScore, ltiScoreMediaType, scoresUrl } from './lti-score.js';

export interface PostLtiScoreDependencies {
  lti: LtiRepository;
  tokens: LtiAccessTokens;
  outbound: IntegrationOutbound;
  timeoutMs: number;
  now?: () => Date;
}

export interface PostLtiScoreOptions {
  scorePostId: string;
  isLastTry: boolean;
  retryInMs: number;
}

export type PostLtiScoreResult =
  { status: 'sent' | 'superseded' | 'skipped' } | { status: 'retry' | 'failed'; error: string };

/**
 * One try of one score post: a fresh, strictly later timestamp for the (user, line item), a
 * cached access token, the score POSTed to the line item's scores endpoint through the outbound
 * guard, the try logged. A 401 drops the cached token before the retry.
 */
export async function postLtiScore(
  deps: PostLtiScoreDependencies,
  options: PostLtiScoreOptions,
): Promise<PostLtiScoreResult> {
  const now = deps.now ?? (() => new Date());
  const post = await deps.lti.loadWork(options.scorePostId);
  if (!post || post.status !== 'pending') return { status: 'skipped' };
  const platform = await deps.lti.findPlatform(post.tenantId);
  if (!platform) {
    await deps.lti.markFailed(post.id, 'no LTI platform is registered for this tenant');
    return { status: 'failed', error: 'no LTI platform registered' };
  }

  const startedAt = now();
  const reserved = await deps.lti.reserveTimestamp(post.id, startedAt);
  if ('superseded' in reserved) {
    integrationMetrics.recordTry({
      channel: 'lti',
      outcome: 'superseded',
      statusCode: null,
      durationMs: 0,
    });
    return { status: 'superseded' };
  }
  const score = buildLtiScore({
    userId: post.userId,
    progress: progressOf(post),
    timestamp: reserved.timestamp,
  });

  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const token = await deps.tokens.get(platform, scoreScope);
    const answer = await sendGuardedRequest(
      {
        method: 'POST',
        url: scoresUrl(post.lineItemUrl),
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': ltiScoreMediaType,
          accept: 'application/json',
        },
        body: JSON.stringify(score),
        timeoutMs: deps.timeoutMs,
      },
      deps.outbound,
    );
    statusCode = answer.status;
    if (answer.status === 401) deps.tokens.forget(platform);
    if (answer.status < 200 || answer.status >= 300) error = `platform answered ${answer.status}`;
  } catch (failure) {
    error = failure instanceof Error ? failure.message : 'score post failed';
  }

  const durationMs = now().getTime() - startedAt.getTime();
  const succeeded = error === null;
  const giveUp = !succeeded && options.isLastTry;
  await deps.lti.recordTry(post.id, {
    number: post.tries + 1,
    startedAt,
    durationMs,
    statusCode,
    error: error?.slice(0, 500) ?? null,
    succeeded,
    status: succeeded ? 'sent' : giveUp ? 'failed' : 'pending',
    nextTryAt: succeeded || giveUp ? null : new Date(startedAt.getTime() + options.retryInMs),
  });
  integrationMetrics.recordTry({
    channel: 'lti',
    outcome: succeeded ? 'succeeded' : giveUp ? 'gave_up' : 'failed',
    statusCode,
    durationMs,
  });
  if (succeeded) return { status: 'sent' };
  return { status: giveUp ? 'failed' : 'retry', error: error ?? '' };
}
