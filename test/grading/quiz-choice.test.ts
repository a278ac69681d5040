import { gradeQuiz } from '../../src/grading/quiz/grade-quiz.js';
import type { QuizAnswers } from '../../src/grading/attempt-grade.js';
import { loadAssessment } from './load-fixture-assessment.js';

const assessment = loadAssessment('choice-quiz');

function gradeOne(questionId: string, answer: unknown) {
  const answers = { [questionId]: answer } as QuizAnswers;
  const result = gradeQuiz({ questions: assessment.quiz, answers }).find(
    (grade) => grade.questionId === questionId,
  );
  if (!result) throw new Error(`no grade for ${questionId}`);
  return result;
}

describe('single-choice questions', () => {
  it('gives full points for the correct choice, as an id or a one-element list', () => {
    expect(gradeOne('core-api-version', 'v1')).toEqual(
      expect.objectContaining({ points: 2, maxPoints: 2, answer: 'v1', matchedConcepts: [] }),
    );
    expect(gradeOne('core-api-version', ['v1']).points).toBe(2);
  });

  it('gives nothing for a wrong choice', () => {
    const result = gradeOne('core-api-version', 'apps-v1');
    expect(result.points).toBe(0);
    expect(result.message).toContain('not the correct choice');
  });

  it('gives nothing when two choices are picked', () => {
    expect(gradeOne('core-api-version', ['v1', 'apps-v1']).points).toBe(0);
  });
});

describe('multiple-choice questions, all or nothing (the default)', () => {
  it('gives full points for exactly the correct set, in any order', () => {
    const result = gradeOne('pending-reasons', ['image-missing', 'no-capacity']);
    expect(result.points).toBe(3);
    expect(result.message).toBe('Both of them.');
  });

  it('gives nothing for a subset, a superset or a wrong set', () => {
    expect(gradeOne('pending-reasons', ['no-capacity']).points).toBe(0);
    expect(gradeOne('pending-reasons', ['no-capacity', 'image-missing', 'crash']).points).toBe(0);
    const wrong = gradeOne('pending-reasons', ['crash']);
    expect(wrong.points).toBe(0);
    expect(wrong.message).toContain('Think about what happens before the container starts.');
  });

  it('counts a choice picked twice once', () => {
    expect(
      gradeOne('pending-reasons', ['no-capacity', 'no-capacity', 'image-missing']).points,
    ).toBe(3);
  });
});

describe('multiple-choice questions with partial scoring', () => {
  it('gives points for right picks minus wrong picks, over the correct count', () => {
    expect(gradeOne('pod-shares', ['network', 'node', 'volumes']).points).toBe(3);
    expect(gradeOne('pod-shares', ['network', 'node']).points).toBe(2);
    expect(gradeOne('pod-shares', ['network']).points).toBe(1);
    expect(gradeOne('pod-shares', ['network', 'node', 'image']).points).toBe(1);
  });

  it('never goes below zero, and ticking every box is not a strategy', () => {
    expect(gradeOne('pod-shares', ['image']).points).toBe(0);
    expect(gradeOne('pod-shares', ['network', 'node', 'volumes', 'image']).points).toBe(2);
  });
});

describe('answers the grader cannot use', () => {
  it('gives nothing for an unanswered choice question', () => {
    expect(gradeOne('pending-reasons', undefined)).toEqual(
      expect.objectContaining({ points: 0, answer: [] }),
    );
  });

  it('gives nothing, without throwing, for an answer of the wrong shape', () => {
    expect(gradeOne('pending-reasons', { no: 'capacity' }).points).toBe(0);
    expect(gradeOne('pending-reasons', [1, 2]).points).toBe(0);
  });

  it('ignores answers to questions that are not in the quiz', () => {
    const grades = gradeQuiz({
      questions: assessment.quiz,
      answers: { 'not-a-question': 'x', 'core-api-version': 'v1' },
    });
    expect(grades.map((grade) => grade.questionId)).toEqual([
      'core-api-version',
      'pending-reasons',
      'pod-shares',
    ]);
    expect(grades[0]?.points).toBe(2);
  });
});
