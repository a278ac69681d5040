/** What the learner must do for a parked wait to end, when the wait is theirs to end. */
export interface AwaitedAction {
  action: 'delete-pod';
  pod: string;
  namespace: string;
}

/**
 * Thrown out of a grading run that reached a long wait on the learner's cluster (the learner
 * has yet to delete their Pod, a stability window is open). The run stops without holding a
 * worker slot; what it saw is in the journal, and the next run resumes from there.
 */
export class GradingParked extends Error {
  constructor(
    readonly until: Date,
    readonly awaiting: AwaitedAction | undefined,
  ) {
    super(`grading parked until ${until.toISOString()}`);
    this.name = 'GradingParked';
  }
}
