import type { FreeTextQuestion } from '../../src/assessments/format/quiz-question.js';
import { gradeQuiz } from '../../src/grading/quiz/grade-quiz.js';
import { normalizeAnswerText } from '../../src/grading/quiz/normalize-answer-text.js';
import { loadAssessment } from './load-fixture-assessment.js';

/**
 * Learners answer the Pending question by pasting what `kubectl describe pod` showed them: the
 * kubelet's and the scheduler's own event messages. Those count as naming the cause.
 */
const question = loadAssessment('first-pod').quiz.find(
  (item) => item.id === 'pending-causes',
) as FreeTextQuestion;

function matched(answer: string): string[] {
  const [result] = gradeQuiz({ questions: [question], answers: { [question.id]: answer } });
  if (!result) throw new Error('no grade');
  return [...result.matchedConcepts].sort();
}

const pull = 'image-cannot-be-pulled';
const scheduling = 'cannot-be-scheduled';

describe('the first-pod quiz recognises the cluster’s own event messages', () => {
  it.each([
    'Back-off pulling image "nginx:1.82"',
    'Normal   BackOff  12s (x3 over 50s)  kubelet  Back-off pulling image "nginx:1.82"',
    'Failed to pull image "nginx:1.82": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.82": failed to resolve reference "docker.io/library/nginx:1.82": docker.io/library/nginx:1.82: not found',
    'Warning  Failed  3s (x2 over 20s)  kubelet  Error: ErrImagePull',
    'Error: ImagePullBackOff',
    'Failed to pull image "ngnix:1.28": Error response from daemon: pull access denied for ngnix, repository does not exist or may require \'docker login\'',
    'manifest for nginx:1.82 not found: manifest unknown',
    'Error: InvalidImageName',
  ])('kubelet: %s', (message) => {
    expect(matched(message)).toEqual([pull]);
  });

  it.each([
    '0/1 nodes are available: 1 Insufficient memory.',
    '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    'Warning  FailedScheduling  12s  default-scheduler  0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.',
    "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.",
  ])('scheduler: %s', (message) => {
    expect(matched(message)).toEqual([scheduling]);
  });

  it('gives both concepts for an answer pasted from two describe outputs', () => {
    expect(
      matched(
        'Either "0/1 nodes are available: 1 Insufficient memory." or "Back-off pulling image nginx:1.82"',
      ),
    ).toEqual([scheduling, pull].sort());
  });

  it.each([
    'Successfully pulled image "nginx:1.28" in 1.2s (1.2s including waiting)',
    'Pulling image "nginx:1.28"',
    'Successfully assigned default/my-pod to node-1',
    'Back-off restarting failed container web in pod my-pod',
    'Created container web. Started container web.',
    '1/1 nodes are available',
  ])('does not read a healthy or unrelated event as a cause: %s', (message) => {
    expect(matched(message)).toEqual([]);
  });

  it('normalises the punctuation of copied messages into plain words', () => {
    expect(normalizeAnswerText('0/1 nodes are available: 1 node(s) didn’t match').spaced).toBe(
      '0 1 nodes are available 1 node s did not match',
    );
    expect(normalizeAnswerText('Back-off pulling image “nginx:1.82”').spaced).toBe(
      'back off pulling image nginx 1 82',
    );
  });
});
