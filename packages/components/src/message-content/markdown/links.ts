// Link syntax for the inline parser: `[`/`]` and backtick pairing, `(destination)` reading, `<autolinks>` and
// bare URLs, each scan linear and bounded by MAX_DESTINATION.
import { isWhitespace } from './chars.ts'
import { unescapeText } from './entities.ts'
import { ANNOTATION_OPEN, MAX_DESTINATION } from './types.ts'
import { tally } from './work.ts'

// Shared empty results (only ever read).
const NO_PAIRS: Map<number, number> = new Map()
const NO_INACTIVE: Set<number> = new Set()

// Each `[` paired with its `]` in one stack pass (escapes respected, code spans skipped: they bind tighter): O(n).
// Links cannot contain links: once a pair forms a link, the `[`s around it are `inactive` (plain text).
export function matchBrackets(
  text: string,
  backticks: Map<number, number>,
): { pairs: Map<number, number>; inactive: Set<number> } {
  tally(text.length)
  if (!text.includes('[')) {
    return { pairs: NO_PAIRS, inactive: NO_INACTIVE } // most paragraphs: one native scan, nothing allocated
  }
  const pairs = new Map<number, number>()
  const inactive = new Set<number>()
  const stack: number[] = []
  let floor = 0 // openers below this height on the stack enclose a link
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') {
      i++
    } else if (c === '`') {
      let length = 1
      while (text[i + length] === '`') {
        length++
      }
      const close = backticks.get(i)
      i = (close === undefined ? i : close) + length - 1
    } else if (c === '[') {
      stack.push(i)
    } else if (c === ']' && stack.length > 0) {
      const open = stack.pop()!
      pairs.set(open, i)
      const image = text[open - 1] === '!'
      if (stack.length < floor) {
        floor = stack.length
        if (!image) {
          inactive.add(open) // an image may hold a link; a link may not
        }
      } else if (!image) {
        const destination = readDestination(text, i + 1)
        if (destination !== null && destination !== 'partial') {
          floor = stack.length
        }
      }
    }
  }
  return { pairs, inactive }
}

// For each backtick run, the start of the next run of the same length: O(n) with per-length cursors.
export function matchBackticks(text: string): Map<number, number> {
  tally(text.length)
  if (!text.includes('`')) {
    return NO_PAIRS
  }
  const runs: Array<{ start: number; length: number }> = []
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '`') {
      const start = i
      while (text[i + 1] === '`') {
        i++
      }
      runs.push({ start, length: i - start + 1 })
    }
  }
  const next = new Map<number, number>()
  const lastByLength = new Map<number, number>()
  tally(runs.length)
  for (let r = runs.length - 1; r >= 0; r--) {
    const run = runs[r]!
    const following = lastByLength.get(run.length)
    if (following !== undefined) {
      next.set(run.start, following)
    }
    lastByLength.set(run.length, run.start)
  }
  return next
}

// `(dest)` right after `]`: returns the destination and the index after `)`, `partial` if the text ended first.
export function readDestination(
  text: string,
  open: number,
): { href: string; end: number } | 'partial' | null {
  tally(1)
  if (text[open] !== '(') {
    return null
  }
  let i = open + 1
  while (text[i] === ' ') {
    tally(1)
    i++
  }
  const angled = text[i] === '<'
  if (angled) {
    i++
  }
  const start = i
  let depth = 0
  while (i < text.length && i - start <= MAX_DESTINATION) {
    tally(1)
    const c = text[i]!
    // Brackets end the scan too, so the scans of repeated `[a](` never overlap (linear time, R7).
    if (
      c === '[' ||
      c === ']' ||
      c === '\n' ||
      (angled ? c === '>' || c === '<' : c === ' ' || (c === ')' && depth === 0))
    ) {
      break
    }
    if (c === '\\') {
      i++
    } else if (c === '(') {
      depth++
    } else if (c === ')') {
      depth--
    }
    i++
  }
  if (i >= text.length) {
    return 'partial'
  }
  if (i - start > MAX_DESTINATION || (angled && text[i] !== '>')) {
    return null
  }
  const href = text.slice(start, i)
  if (angled) {
    i++
  }
  // An optional title: "…", '…' or (…), ignored (escapes respected; brackets end the scan, as above).
  const spaced = text[i] === ' '
  while (text[i] === ' ') {
    tally(1)
    i++
  }
  const quote = text[i]
  if (spaced && (quote === '"' || quote === "'" || quote === '(')) {
    const closing = quote === '(' ? ')' : quote
    let close = i + 1
    while (
      close < text.length &&
      close - i <= MAX_DESTINATION &&
      text[close] !== closing &&
      text[close] !== '[' &&
      text[close] !== ']' &&
      !(quote === '(' && text[close] === '(')
    ) {
      tally(1)
      close += text[close] === '\\' ? 2 : 1
    }
    if (close >= text.length) {
      return 'partial'
    }
    if (text[close] !== closing) {
      return null
    }
    i = close + 1
    while (text[i] === ' ') {
      tally(1)
      i++
    }
  }
  if (i >= text.length) {
    return 'partial'
  }
  return text[i] === ')' ? { href: unescapeText(href), end: i + 1 } : null
}

// `<scheme:…>` and `<user@host>` autolinks.
export const AUTOLINK_URI = /^[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\p{Cc} ]*$/u
export const AUTOLINK_EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

export const URL_START = /^https?:\/\//i
const TRAILING_URL_PUNCTUATION = new Set(['.', ',', ':', ';', '!', '?', '"', "'", ')', '*', '_', '~'])

// A bare URL needs a domain with a dot after its scheme (GFM): `http://` alone or `http://x` is text.
const URL_WITH_DOMAIN = /^https?:\/\/[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+/iu

export function hasDomain(text: string, start: number): boolean {
  const match = URL_WITH_DOMAIN.exec(text.slice(start, start + 300))
  tally(match ? match[0].length : 8)
  // No underscore in the last two segments of the domain (GFM).
  return match !== null && !/_[^.]*\.[^.]*$|_[^.]*$/.test(match[0].slice(match[0].indexOf('//') + 2))
}

export function readBareUrl(text: string, start: number): number {
  let end = start
  while (end < text.length && end - start < MAX_DESTINATION) {
    tally(1)
    const c = text[end]!
    // Quotes and angle brackets end a bare URL (GFM stops at `<`; `">` is an HTML attribute's end, not a URL's).
    // A backslash (an escape, a hard break) and brackets (a link after the URL) end it too.
    if (
      isWhitespace(c) ||
      c === '<' ||
      c === '>' ||
      c === '"' ||
      c === '`' ||
      c === '\\' ||
      c === '[' ||
      c === ']' ||
      c === ANNOTATION_OPEN
    ) {
      break
    }
    end++
  }
  while (end > start && TRAILING_URL_PUNCTUATION.has(text[end - 1]!)) {
    tally(1)
    end--
  }
  return end
}
