/** The longest free-text answer accepted, in characters; a few paragraphs is plenty for the quiz. */
export const maxFreeTextAnswerLength = 5000;
