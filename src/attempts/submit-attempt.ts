import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import { isClusterCheckKind } from '../assessments/assessment.js';
import { parseManifest } from '../grading/manifest/parse-manifest.js';
import { validateAnswers } from '../grading/quiz/validate-answers.js';
import type { Logger } from '../logging/logger.js';
import type { AttemptRequest } from './attempt-request.js';
import type { AttemptStatus } from './attempt-outcome.js';
import { storedAssessmentVersion, type AttemptRepository } from './attempt-repository.js';

export interface SubmitAttemptDependencies {
  catalog: AssessmentCatalog;
  attempts: AttemptRepository;
  enqueue: (attemptId: string) => Promise<void>;
  /** The queue `enqueue` adds to, recorded on the attempt for that queue's reconciler. */
  queueName: string;
  sealClusterAccess: (access: NonNullable<AttemptRequest['cluster']>) => Uint8Array;
  /**
   * Refuses cluster access that can never be used (a hostile kubeconfig, an address outside the
   * allow-list) before anything is stored, so the learner hears it at once with a stable code.
   */
  vetClusterAccess: (
    access: NonNullable<AttemptRequest['cluster']>,
    options: { allowInsecureTls: boolean },
  ) => Promise<void>;
  logger: Logger;
}

export interface SubmitAttemptOptions {
  /** The tenant the attempt belongs to: the caller's, from its API key. */
  tenantId: string;
  request: AttemptRequest;
  idempotencyKey: string | undefined;
}

export interface SubmittedAttempt {
  id: string;
  /** False when an earlier request with the same idempotency key already created it. */
  created: boolean;
}

/**
 * Validates an attempt against its assessment, stores it and queues it for grading.
 * What can be judged without grading (unknown assessment, YAML that does not parse, malformed
 * answers) is refused here, so a learner hears about it at once.
 */
export async function submitAttempt(
  deps: SubmitAttemptDependencies,
  { tenantId, request, idempotencyKey }: SubmitAttemptOptions,
): Promise<SubmittedAttempt> {
  const requestHash = hashRequest(request);
  if (idempotencyKey) {
    const earlier = await deps.attempts.findByIdempotencyKey(tenantId, idempotencyKey);
    if (earlier) return replayOrRefuse(deps, earlier, requestHash);
  }

  const assessment = deps.catalog.get(request.assessmentId, request.assessmentVersion);
  if (!assessment) {
    throw new AppError('ASSESSMENT_NOT_FOUND', `No assessment "${request.assessmentId}".`, {
      assessmentId: request.assessmentId,
      assessmentVersion: request.assessmentVersion ?? null,
    });
  }
  parseManifest(request.manifest);
  validateAnswers(assessment, request.answers);
  const clusterCheckIds = assessment.checks
    .filter((check) => isClusterCheckKind(check.kind))
    .map((check) => check.id);
  if (clusterCheckIds.length > 0 && !request.cluster && request.gradeWithoutCluster !== true) {
    // Without this refusal the attempt would wait out its retries and end not gradable.
    throw new AppError(
      'CLUSTER_REQUIRED',
      `Assessment "${assessment.id}" has checks on the learner's cluster: give "cluster", or "gradeWithoutCluster": true to grade without them (they then score 0).`,
      { assessmentId: assessment.id, clusterChecks: clusterCheckIds },
    );
  }
  if (request.cluster) {
    await deps.vetClusterAccess(request.cluster, {
      allowInsecureTls: assessment.inputs.allowInsecureTls,
    });
  }

  const id = randomUUID();
  try {
    await deps.attempts.insert({
      id,
      tenantId,
      assessment: storedAssessmentVersion(assessment),
      queueName: deps.queueName,
      learnerId: request.learnerId,
      courseId: request.courseId,
      manifest: request.manifest,
      answers: request.answers,
      clusterSecret: request.cluster ? deps.sealClusterAccess(request.cluster) : undefined,
      gradeWithoutCluster: request.gradeWithoutCluster === true,
      idempotencyKey,
      requestHash,
      lti: request.lti
        ? { lineItemUrl: request.lti.lineItemUrl, userId: request.lti.userId }
        : undefined,
    });
  } catch (error) {
    // Two requests with one key raced: the loser answers as the winner did.
    if (idempotencyKey && isUniqueViolation(error)) {
      const earlier = await deps.attempts.findByIdempotencyKey(tenantId, idempotencyKey);
      if (earlier) return replayOrRefuse(deps, earlier, requestHash);
    }
    throw error;
  }

  try {
    await deps.enqueue(id);
  } catch (error) {
    await withdrawUnqueuedAttempt(deps, id, idempotencyKey, error);
    throw queueUnavailable(error);
  }
  return { id, created: true };
}

/**
 * The attempt is stored but its job could not be queued (Redis is away), and the client is
 * told 503. With an Idempotency-Key the attempt stays: the client's retry with the same key
 * finds it and queues it (see replayOrRefuse), and if the client never comes back the stranded
 * attempts reconciler queues it. Without a key a retry would create a second attempt, so this
 * one is taken back; if that fails too (PostgreSQL is away as well), it stays, complete and
 * queued, for the reconciler.
 */
async function withdrawUnqueuedAttempt(
  deps: SubmitAttemptDependencies,
  id: string,
  idempotencyKey: string | undefined,
  enqueueError: unknown,
): Promise<void> {
  const log = { err: enqueueError, attemptId: id };
  if (idempotencyKey) {
    deps.logger.warn(log, 'could not enqueue attempt; kept for a retry with its Idempotency-Key');
    return;
  }
  try {
    await deps.attempts.delete(id);
    deps.logger.warn(log, 'could not enqueue attempt; removed it');
  } catch (deleteError) {
    deps.logger.warn(
      { ...log, deleteError },
      'could not enqueue attempt nor remove it; left queued for the reconciler',
    );
  }
}

function queueUnavailable(cause: unknown): AppError {
  return new AppError(
    'SERVICE_UNAVAILABLE',
    'The grading queue is unavailable; try again.',
    {},
    { cause },
  );
}

async function replayOrRefuse(
  deps: SubmitAttemptDependencies,
  earlier: { id: string; requestHash: string | null; status: AttemptStatus },
  requestHash: string,
): Promise<SubmittedAttempt> {
  if (earlier.requestHash !== requestHash) {
    throw new AppError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different request.',
      { attemptId: earlier.id },
    );
  }
  // The first request may have stored the attempt and then failed to queue it (503): queue it
  // now. The job id is the attempt id, so an attempt that has its job is not queued twice.
  if (earlier.status === 'queued') {
    try {
      await deps.enqueue(earlier.id);
    } catch (error) {
      throw queueUnavailable(error);
    }
  }
  return { id: earlier.id, created: false };
}

function hashRequest(request: AttemptRequest): string {
  return createHash('sha256').update(stableJson(request)).digest('hex');
}

/** JSON with sorted keys, so that key order in the client's body does not change the hash. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Prisma's P2002, or PostgreSQL's own 23505 from statements sent to the pool directly. */
function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code } = error as { code?: unknown };
  return code === 'P2002' || code === '23505';
}
