// Character classes of the inline rules: ASCII punctuation (escapable), Unicode punctuation and whitespace.

export const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')

export function isWhitespace(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\u00a0'
}

// ASCII punctuation by char code (the common case, no regex); other characters go through the Unicode classes.
const ASCII_PUNCTUATION = new Uint8Array(128)
for (const c of PUNCTUATION) {
  ASCII_PUNCTUATION[c.charCodeAt(0)] = 1
}
const UNICODE_PUNCTUATION = /\p{P}|\p{S}/u

export function isPunctuation(c: string | undefined): boolean {
  if (c === undefined) {
    return false
  }
  const code = c.charCodeAt(0)
  return code < 128 ? ASCII_PUNCTUATION[code] === 1 : UNICODE_PUNCTUATION.test(c)
}
