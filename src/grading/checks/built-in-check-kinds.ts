import { clusterAbsentCheckKind } from './cluster-absent-check.js';
import { clusterObjectCheckKind } from './cluster-object-check.js';
import { deletedCheckKind } from './deleted-check.js';
import { eventuallyCheckKind } from './eventually-check.js';
import { logsContainCheckKind } from './logs-contain-check.js';
import { manifestCheckKind } from './manifest-check.js';
import { noControllerCheckKind } from './no-controller-check.js';
import { objectsCheckKind } from './objects-check.js';
import { podPhaseCheckKind } from './pod-phase-check.js';
import { stableCheckKind } from './stable-check.js';
import { timelineCheckKind } from './timeline-check.js';

/**
 * The check kinds rubrics may use. Each is one module (schema, failure modes, longest wait,
 * runner); the assessment format, its JSON Schema and the runner dispatch are built from this
 * list, so adding a kind is adding its module here.
 */
export const builtInCheckKinds = [
  manifestCheckKind,
  clusterObjectCheckKind,
  clusterAbsentCheckKind,
  eventuallyCheckKind,
  stableCheckKind,
  podPhaseCheckKind,
  noControllerCheckKind,
  timelineCheckKind,
  logsContainCheckKind,
  objectsCheckKind,
  deletedCheckKind,
] as const;
export type BuiltInCheckKinds = typeof builtInCheckKinds;
