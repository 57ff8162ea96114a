// Character classes of the inline rules: ASCII punctuation (escapable), Unicode punctuation and whitespace.

export const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')

export function isWhitespace(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\u00a0'
}

export function isPunctuation(c: string | undefined): boolean {
  return c !== undefined && (PUNCTUATION.has(c) || /\p{P}|\p{S}/u.test(c))
}
