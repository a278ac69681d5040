/**
 * A wait in which the grader needs the learner (or the cluster) to do something, announced so a
 * command line or a page can say so while it lasts. `deadline` is on the grading clock.
 */
export type GradingWait =
  /** Following the Pod until it runs (the running moment). */
  | { action: 'pod-running'; pod: string; namespace: string; deadline: Date }
  /** The running moment is recorded: the learner deletes the Pod now (the observer's onAwaiting). */
  | { action: 'delete-pod'; pod: string; namespace: string; deadline: Date }
  /** The Pod is gone: the grader watches that nothing brings it back until `deadline`. */
  | { action: 'watch-not-recreated'; pod: string; namespace: string; deadline: Date };

export type OnGradingWait = (wait: GradingWait) => void;
