import type { KubeObject } from '../cluster-reader.js';

/** How the grader learnt something about a Pod. */
export type SightingSource = 'read' | 'watch' | 'confirming-read';

/** One phase the grader saw a Pod in, with when it saw it (grading clock). */
export interface PhaseTransition {
  phase: string;
  at: Date;
  /**
   * `implied-by-creation`: first seen already past Pending; every Pod is created Pending by the
   * API server, so Pending is recorded at the Pod's creationTimestamp, marked as implied.
   */
  source: 'observed' | 'implied-by-creation';
  /** For an implied phase: the cluster's creationTimestamp (the cluster's clock, not the grader's). */
  clusterTime?: string;
}

/** One state of the followed Pod name over time: an object, or nothing (deleted, not created). */
export interface FocusVersion {
  at: Date;
  uid: string | undefined;
  object: KubeObject | undefined;
}

/** The Pod the learner created is gone: when the grader learnt it, and how. */
export interface PodDeletion {
  uid: string;
  at: Date;
  source: SightingSource;
  /** The last state seen (with metadata.deletionTimestamp when it was deleted gracefully). */
  lastObject: KubeObject | undefined;
}

/** A Pod that was created while the grader watched (a watch ADDED event). */
export interface PodAppearance {
  uid: string;
  name: string;
  at: Date;
  object: KubeObject;
}
