import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import { parseAssessment } from '../assessments/parse-assessment.js';
import type { AttemptRepository } from '../attempts/attempt-repository.js';
import type { GradeStoredAttemptDependencies } from '../attempts/grade-stored-attempt.js';
import type { ObservationStore } from '../attempts/observation-store.js';
import { connectLearnerCluster } from '../cluster/connect-learner-cluster.js';
import type { OutboundPolicy } from '../cluster/outbound/outbound-policy.js';
import { openClusterAccess } from '../cluster/sealed-cluster-access.js';
import type { SecretBox } from '../cluster/secret-box.js';
import { createScaledClock } from '../grading/grading-clock.js';
import type { Logger } from '../logging/logger.js';
import type { ClusterRequestRecord } from '../cluster/kubernetes/request-log.js';

export interface GradingWiring {
  attempts: AttemptRepository;
  observations: ObservationStore;
  catalog: AssessmentCatalog;
  secrets: SecretBox;
  outboundPolicy: OutboundPolicy;
  requestTimeoutMs: number;
  /** GRADING_TIME_SCALE: grading time per real millisecond. */
  timeScale: number;
  /** Waits longer than this (grading time) park instead of holding a worker slot. */
  parkAfterMs: number;
  logger: Logger;
  /** Sees every request to a learner's cluster (the worker's metrics count them by kind). */
  onClusterRequest?: (record: ClusterRequestRecord) => void;
}

/**
 * How a worker grades a stored attempt: the one place that wires the grading use case to the
 * database, the sealed credentials, the outbound guard and the clock. The worker process and the
 * tests both build their workers from it.
 */
export function createGradingDependencies(
  wiring: GradingWiring,
): Omit<GradeStoredAttemptDependencies, 'waitingRoom'> {
  return {
    attempts: wiring.attempts,
    observations: wiring.observations,
    catalog: wiring.catalog,
    storedAssessment: async (id, version) => {
      const source = await wiring.attempts.findAssessmentSource(id, version);
      if (source === null) return undefined;
      return parseAssessment({
        bytes: Buffer.from(source, 'utf8'),
        file: `${id}@${version} (stored)`,
        expectedId: id,
      });
    },
    openClusterAccess: (sealed) => openClusterAccess(wiring.secrets, sealed),
    connectCluster: (access, { allowInsecureTls, signal }) =>
      connectLearnerCluster({
        access,
        allowInsecureTls,
        outbound: wiring.outboundPolicy,
        requestTimeoutMs: wiring.requestTimeoutMs,
        signal,
        ...(wiring.onClusterRequest ? { onRequest: wiring.onClusterRequest } : {}),
      }),
    clockFor: (origin) => createScaledClock(wiring.timeScale, origin),
    timeScale: wiring.timeScale,
    parkAfterMs: wiring.parkAfterMs,
    logger: wiring.logger,
  };
}
