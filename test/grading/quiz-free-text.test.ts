import type { FreeTextQuestion } from '../../src/assessments/format/quiz-question.js';
import { gradeQuiz } from '../../src/grading/quiz/grade-quiz.js';
import { normalizeAnswerText } from '../../src/grading/quiz/normalize-answer-text.js';
import { loadAssessment } from './load-fixture-assessment.js';

const question = loadAssessment('first-pod').quiz.find(
  (item) => item.id === 'pending-causes',
) as FreeTextQuestion;

function grade(answer: string) {
  const [result] = gradeQuiz({ questions: [question], answers: { [question.id]: answer } });
  if (!result) throw new Error('no grade');
  return result;
}

const pullConcept = 'image-cannot-be-pulled';
const schedulingConcept = 'cannot-be-scheduled';

describe('the Pending quiz question (free text, two concepts)', () => {
  it('is worth two concepts of half the points each', () => {
    expect(question.concepts.map((concept) => concept.points)).toEqual([
      question.points / 2,
      question.points / 2,
    ]);
  });

  it('gives full points when both causes are named, returning both concepts', () => {
    const result = grade(
      'Either FailedScheduling because of Insufficient cpu, or the image cannot be pulled (ErrImagePull).',
    );
    expect(result.points).toBe(question.points);
    expect(result.matchedConcepts.sort()).toEqual([pullConcept, schedulingConcept].sort());
    expect(result.maxPoints).toBe(question.points);
  });

  it('gives half the points for one cause', () => {
    const result = grade('No node has enough memory, so it cannot be scheduled.');
    expect(result.points).toBe(question.points / 2);
    expect(result.matchedConcepts).toEqual([schedulingConcept]);
    expect(result.message).toContain('1 more expected point is missing');
  });

  it('gives nothing when neither cause is named', () => {
    const result = grade('The container is probably still starting, just wait a bit longer.');
    expect(result.points).toBe(0);
    expect(result.matchedConcepts).toEqual([]);
  });

  it('gives nothing, and says so, for an unanswered question', () => {
    const [result] = gradeQuiz({ questions: [question], answers: {} });
    expect(result).toEqual(
      expect.objectContaining({
        answer: null,
        points: 0,
        matchedConcepts: [],
        message: 'No answer was given.',
      }),
    );
  });

  it.each([
    'ImagePullBackOff',
    'image pull back off',
    'Image-Pull-Back-Off',
    'imagepullbackoff in the events',
    'ErrImagePull',
    'err image pull',
    "can't pull the image",
    'it can not pull the image from Docker Hub',
    'the image cannot be pulled',
    'the nginx image could not be pulled from the registry',
    'a pull error',
    'Pulling failed: the registry is unreachable',
    'kubelet failed to pull nginx:1.28',
  ])('recognises the image-pull cause in %p', (answer) => {
    expect(grade(answer).matchedConcepts).toEqual([pullConcept]);
  });

  it.each([
    'Insufficient cpu',
    'insufficient memory on the nodes',
    'FailedScheduling',
    'failed scheduling',
    'The Pod cannot be scheduled',
    'it could not be scheduled anywhere',
    'not enough CPU/memory on any node',
    'no node has enough resources',
    'Unschedulable: 0/3 nodes are available',
    'the scheduler cannot place it because nodes are full',
  ])('recognises the scheduling cause in %p', (answer) => {
    expect(grade(answer).matchedConcepts).toEqual([schedulingConcept]);
  });

  it.each([
    'the image',
    'image',
    'the image is fine',
    'The image is nginx:1.28 which exists, so the image is fine',
    'node',
    'the node',
    'The node is healthy',
    'the pod was scheduled on a node',
    'the image was pulled successfully',
    'it is pending',
    'imagepull',
    'the cpu is fast',
  ])('does not credit a generic mention in %p', (answer) => {
    expect(grade(answer).matchedConcepts).toEqual([]);
  });

  it('does not match a phrase inside a longer word', () => {
    const concept = {
      ...question,
      concepts: [
        { id: 'cpu', label: 'cpu', points: question.points, synonyms: ['cpu'], patterns: [] },
      ],
    };
    const [inside] = gradeQuiz({
      questions: [concept],
      answers: { [question.id]: 'vcpus everywhere' },
    });
    expect(inside?.matchedConcepts).toEqual([]);
    const [whole] = gradeQuiz({ questions: [concept], answers: { [question.id]: 'the CPU.' } });
    expect(whole?.matchedConcepts).toEqual(['cpu']);
  });
});

describe('normalizeAnswerText', () => {
  it('lowercases, drops punctuation and accents, and writes negations one way', () => {
    expect(normalizeAnswerText("Can't PULL the Imáge -- it's an ErrImagePull!").spaced).toBe(
      'cannot pull the image its an errimagepull',
    );
    expect(normalizeAnswerText('can not / couldn’t').spaced).toBe('cannot could not');
  });
});
