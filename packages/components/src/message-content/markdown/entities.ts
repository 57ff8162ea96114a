// Character references and backslash escapes: `&name;`, `&#123;`, `&#x1F;`, and unescaping of link
// destinations and fence info strings.
import { PUNCTUATION } from './chars.ts'
import { tally } from './work.ts'

// Named character references: the common ones (the full HTML table is 2,000+ names; others stay as typed).
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ensp: '\u2002',
  emsp: '\u2003',
  thinsp: '\u2009',
  zwnj: '\u200c',
  zwj: '\u200d',
  shy: '\u00ad',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  minus: '−',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  sbquo: '‚',
  bdquo: '„',
  laquo: '«',
  raquo: '»',
  lsaquo: '‹',
  rsaquo: '›',
  bull: '•',
  middot: '·',
  deg: '°',
  plusmn: '±',
  times: '×',
  divide: '÷',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  sup2: '²',
  sup3: '³',
  micro: 'µ',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  sect: '§',
  para: '¶',
  dagger: '†',
  Dagger: '‡',
  prime: '′',
  Prime: '″',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
  harr: '↔',
  lArr: '⇐',
  rArr: '⇒',
  hArr: '⇔',
  le: '≤',
  ge: '≥',
  ne: '≠',
  asymp: '≈',
  equiv: '≡',
  infin: '∞',
  sum: '∑',
  radic: '√',
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ε',
  lambda: 'λ',
  mu: 'μ',
  pi: 'π',
  sigma: 'σ',
  tau: 'τ',
  phi: 'φ',
  omega: 'ω',
  Delta: 'Δ',
  Sigma: 'Σ',
  Omega: 'Ω',
  check: '✓',
  cross: '✗',
  star: '☆',
  hearts: '♥',
}

const ENTITY = /^&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([A-Za-z][A-Za-z0-9]{0,31}));/

// A numeric reference's character; U+FFFD for NUL, controls, surrogates, noncharacters, out-of-range code
// points (as micromark), and the annotation placeholders (so an entity cannot forge one).
function fromCodePoint(code: number): string {
  if (
    code < 9 ||
    code === 11 ||
    (code > 13 && code < 32) ||
    (code > 126 && code < 160) ||
    (code > 0xd7ff && code < 0xe000) ||
    code === 0xe000 ||
    code === 0xe001 ||
    (code > 0xfdcf && code < 0xfdf0) ||
    (code & 0xffff) === 0xffff ||
    (code & 0xffff) === 0xfffe ||
    code > 0x10ffff
  ) {
    return '\ufffd'
  }
  return String.fromCodePoint(code)
}

// `&name;`, `&#123;` or `&#x1F;` at `at`: the character(s) and the index after `;`. Looks at most 40 characters.
export function entityAt(text: string, at: number): { value: string; end: number } | null {
  const match = ENTITY.exec(text.slice(at, at + 40))
  tally(1 + (match ? match[0].length : 0))
  if (!match) {
    return null
  }
  const value =
    match[1] !== undefined
      ? fromCodePoint(Number.parseInt(match[1], 16))
      : match[2] !== undefined
        ? fromCodePoint(Number(match[2]))
        : NAMED_ENTITIES[match[3]!]
  return value === undefined ? null : { value, end: at + match[0].length }
}

// Backslash escapes and character references of a link destination or a fence's info string.
export function unescapeText(raw: string): string {
  if (!raw.includes('\\') && !raw.includes('&')) {
    return raw
  }
  tally(raw.length)
  let out = ''
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!
    if (c === '\\' && raw[i + 1] !== undefined && PUNCTUATION.has(raw[i + 1]!)) {
      out += raw[i + 1]
      i++
    } else if (c === '&') {
      const entity = entityAt(raw, i)
      out += entity ? entity.value : c
      i = entity ? entity.end - 1 : i
    } else {
      out += c
    }
  }
  return out
}
