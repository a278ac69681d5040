import { AppError } from '../../src/errors/app-error.js';
import { validateAnswers } from '../../src/grading/quiz/validate-answers.js';
import { loadAssessment } from './load-fixture-assessment.js';

const choiceQuiz = loadAssessment('choice-quiz');
const firstPod = loadAssessment('first-pod');

function refusal(assessment: typeof firstPod, answers: unknown): AppError {
  try {
    validateAnswers(assessment, answers);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the answers to be refused');
}

describe('validateAnswers', () => {
  it('returns valid answers to the quiz questions', () => {
    expect(validateAnswers(firstPod, { 'pending-causes': 'ImagePullBackOff' })).toEqual({
      'pending-causes': 'ImagePullBackOff',
    });
    expect(
      validateAnswers(choiceQuiz, { 'core-api-version': 'v1', 'pending-reasons': ['crash'] }),
    ).toEqual({
      'core-api-version': 'v1',
      'pending-reasons': ['crash'],
    });
  });

  it('refuses an answer to a question id the assessment does not have, naming the id', () => {
    const error = refusal(firstPod, { 'pending-causes': 'x', 'no-such-question': 'y' });
    expect(error.code).toBe('ANSWER_INVALID');
    expect(error.details).toEqual({ questionId: 'no-such-question', reason: 'UNKNOWN_QUESTION' });
    expect(error.message).toContain('pending-causes');
    expect(refusal(choiceQuiz, { 'pending-causes': 'x' }).details).toEqual({
      questionId: 'pending-causes',
      reason: 'UNKNOWN_QUESTION',
    });
  });

  it('accepts no answers at all', () => {
    expect(validateAnswers(firstPod, {})).toEqual({});
    expect(validateAnswers(firstPod, undefined)).toEqual({});
  });

  it('refuses a free-text answer over 5,000 characters, naming the question', () => {
    expect(() => validateAnswers(firstPod, { 'pending-causes': 'x'.repeat(5000) })).not.toThrow();
    const error = refusal(firstPod, { 'pending-causes': 'x'.repeat(5001) });
    expect(error.code).toBe('ANSWER_INVALID');
    expect(error.details).toEqual({ questionId: 'pending-causes' });
  });

  it('refuses answers of the wrong type', () => {
    expect(refusal(firstPod, { 'pending-causes': ['ImagePullBackOff'] }).details).toEqual({
      questionId: 'pending-causes',
    });
    expect(refusal(firstPod, { 'pending-causes': 7 }).code).toBe('ANSWER_INVALID');
    expect(refusal(choiceQuiz, { 'pending-reasons': 'crash' }).details).toEqual({
      questionId: 'pending-reasons',
    });
    expect(refusal(choiceQuiz, { 'pending-reasons': [1] }).code).toBe('ANSWER_INVALID');
  });

  it('refuses choice ids that are not choices, repeated choices, and two picks for a single choice', () => {
    expect(refusal(choiceQuiz, { 'core-api-version': 'v2' }).details).toEqual({
      questionId: 'core-api-version',
    });
    expect(refusal(choiceQuiz, { 'core-api-version': ['v1', 'apps-v1'] }).code).toBe(
      'ANSWER_INVALID',
    );
    expect(refusal(choiceQuiz, { 'pending-reasons': ['crash', 'crash'] }).code).toBe(
      'ANSWER_INVALID',
    );
  });

  it('refuses answers that are not an object keyed by question id', () => {
    expect(refusal(firstPod, ['ImagePullBackOff']).code).toBe('ANSWER_INVALID');
    expect(refusal(firstPod, 'ImagePullBackOff').code).toBe('ANSWER_INVALID');
  });
});
