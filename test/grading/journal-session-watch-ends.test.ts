import { systemClock } from '../../src/grading/grading-clock.js';
import { AttemptJournal } from '../../src/grading/journal/attempt-journal.js';
import type { JournalEntry } from '../../src/grading/journal/journal-entry.js';
import { JournalSession } from '../../src/grading/journal/journal-session.js';
import type { PodWatchEvent } from '../../src/grading/cluster-reader.js';

/**
 * How a replay ends a recorded watch. The cluster ending it (a server timeout, a fault) ends the
 * replayed watch, so the observer reads afresh as it did live. The grader ending it itself (its
 * run was over) says nothing about the cluster: the replayed watch stays open to the end of the
 * record, so a regrade never asks for a fresh read that no run ever made.
 */
const key = 'watchObjects:kind=ReplicaSet,namespace=default';
const opened: JournalEntry = {
  type: 'watch-open',
  at: '2026-01-01T00:00:00.000Z',
  key,
  n: 0,
  resourceVersion: null,
};
const changed: JournalEntry = {
  type: 'watch-event',
  at: '2026-01-01T00:00:01.000Z',
  key,
  n: 0,
  event: {
    type: 'ADDED',
    object: { metadata: { name: 'web-1', uid: 'u1', resourceVersion: '7' } },
  },
};
const closedAt = '2026-01-01T00:00:02.000Z';

function replay(entries: JournalEntry[]) {
  const session = new JournalSession({
    journal: new AttemptJournal(entries),
    liveClock: systemClock,
  });
  const seen: PodWatchEvent[] = [];
  let ended = false;
  const watching = session
    .watchObjects(
      { kind: 'ReplicaSet', namespace: 'default', signal: new AbortController().signal },
      (event) => seen.push(event),
    )
    .then(() => {
      ended = true;
    });
  return { session, seen, watching, isEnded: () => ended };
}

describe('replaying the end of a recorded watch', () => {
  it('ends the replayed watch where the cluster ended it', async () => {
    const run = replay([opened, changed, { type: 'watch-close', at: closedAt, key, n: 0 }]);
    await run.session.sleep(5_000);
    await run.session.sleep(5_000);
    await run.watching;
    expect(run.seen.map((event) => event.type)).toEqual(['ADDED']);
    expect(run.isEnded()).toBe(true);
  });

  it('keeps the replayed watch open where the grader stopped it, to the end of the record', async () => {
    const run = replay([
      opened,
      changed,
      { type: 'watch-close', at: closedAt, key, n: 0, stoppedByGrader: true },
    ]);
    await run.session.sleep(1_500);
    expect(run.seen.map((event) => event.type)).toEqual(['ADDED']);
    // The record's last moment is the stop: replayed, it leaves the watch open...
    await run.session.sleep(5_000);
    await run.session.sleep(0);
    expect(run.isEnded()).toBe(false);
    // ...and past it a regrade knows nothing more, which is "not recorded", never a fresh read.
    await expect(run.session.sleep(5_000)).rejects.toMatchObject({ reason: 'NOT_RECORDED' });
    expect(run.isEnded()).toBe(false);
  });
});
