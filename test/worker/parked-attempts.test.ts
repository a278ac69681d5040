import type { HeldCluster } from '../../src/attempts/held-cluster.js';
import type { JournalRecorder } from '../../src/attempts/observation-store.js';
import { AttemptJournal } from '../../src/grading/journal/attempt-journal.js';
import { createLogger } from '../../src/logging/logger.js';
import { ParkedAttempts } from '../../worker/parked-attempts.js';
import { awaitCondition } from '../support/await-condition.js';

/** The waiting room wakes a parked attempt on the first change its watch records. */
function heldView(): HeldCluster {
  return {
    journal: new AttemptJournal(),
    recorder: { flush: async () => undefined } as unknown as JournalRecorder,
    cluster: undefined,
    feeders: new Map(),
  };
}

const change = {
  type: 'watch-event',
  at: '2026-01-01T00:00:00.000Z',
  key: 'watchPods:namespace=learner',
  n: 0,
  event: { type: 'DELETED', object: { metadata: { name: 'my-pod' } } },
} as const;

describe('the waiting room', () => {
  it('tries again to wake an attempt whose job could not be moved forward at first', async () => {
    const calls: string[] = [];
    const room = new ParkedAttempts({
      wake: async (attemptId) => {
        calls.push(attemptId);
        if (calls.length < 3) throw new Error('Redis is busy');
      },
      logger: createLogger({ level: 'silent', name: 'test' }),
      graceMs: 60_000,
    });
    const held = heldView();
    room.hold('attempt-1', held, 60_000, held.journal.size);
    held.journal.append(change);
    await awaitCondition('three tries to wake the attempt', () =>
      calls.length === 3 ? true : undefined,
    );
    expect(calls).toEqual(['attempt-1', 'attempt-1', 'attempt-1']);
    expect(room.take('attempt-1')).toBe(held);
    await room.closeAll();
  });

  it('wakes once, however many changes come', async () => {
    const calls: string[] = [];
    const room = new ParkedAttempts({
      wake: async (attemptId) => void calls.push(attemptId),
      logger: createLogger({ level: 'silent', name: 'test' }),
      graceMs: 60_000,
    });
    const held = heldView();
    room.hold('attempt-2', held, 60_000, held.journal.size);
    held.journal.append(change);
    held.journal.append({ ...change, at: '2026-01-01T00:00:01.000Z' });
    await awaitCondition('the wake', () => (calls.length >= 1 ? true : undefined));
    expect(calls).toEqual(['attempt-2']);
    await room.closeAll();
  });
});
