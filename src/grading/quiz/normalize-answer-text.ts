/**
 * Free text reduced to what carries meaning for concept matching: lowercase words of letters and
 * digits, accents, punctuation and hyphens dropped, and a few negations written one way
 * ("can't", "can not" → "cannot"), so authors list ideas, not spellings.
 */
export interface NormalizedText {
  tokens: string[];
  /** The tokens joined by single spaces: what concept patterns are run against. */
  spaced: string;
}

const contractions: Record<string, string[]> = {
  cant: ['cannot'],
  couldnt: ['could', 'not'],
  wont: ['will', 'not'],
  isnt: ['is', 'not'],
  arent: ['are', 'not'],
  doesnt: ['does', 'not'],
  dont: ['do', 'not'],
  didnt: ['did', 'not'],
  wasnt: ['was', 'not'],
};

export function normalizeAnswerText(text: string): NormalizedText {
  const words = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    // Apostrophes join rather than split, so "can't" becomes "cant" and then "cannot".
    .replace(/['’‘`]/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');

  const tokens: string[] = [];
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] as string;
    if (word === 'can' && words[index + 1] === 'not') {
      tokens.push('cannot');
      index += 1;
    } else {
      tokens.push(
        ...(Object.hasOwn(contractions, word) ? (contractions[word] as string[]) : [word]),
      );
    }
  }
  return { tokens, spaced: tokens.join(' ') };
}
