import type { QuizConcept } from '../../assessments/format/quiz-question.js';
import { normalizeAnswerText, type NormalizedText } from './normalize-answer-text.js';

/**
 * Whether an answer expresses a concept: one of its synonyms appears as whole words, or one of
 * its patterns matches the normalised text.
 *
 * Synonyms are compared with spaces removed but anchored on word boundaries, so
 * "image pull back off", "Image-Pull-BackOff" and "ImagePullBackOff" are the same phrase, while
 * a synonym never matches inside a longer word.
 */
export function answerMentionsConcept(answer: NormalizedText, concept: QuizConcept): boolean {
  return (
    concept.synonyms.some((synonym) =>
      containsPhrase(answer.tokens, normalizeAnswerText(synonym).tokens.join('')),
    ) || concept.patterns.some((pattern) => new RegExp(pattern, 'u').test(answer.spaced))
  );
}

function containsPhrase(tokens: readonly string[], compactPhrase: string): boolean {
  if (compactPhrase === '') return false;
  for (let start = 0; start < tokens.length; start += 1) {
    let joined = '';
    for (let end = start; end < tokens.length && joined.length < compactPhrase.length; end += 1) {
      joined += tokens[end];
      if (!compactPhrase.startsWith(joined)) break;
      if (joined === compactPhrase) return true;
    }
  }
  return false;
}
