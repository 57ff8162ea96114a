// Block structure, line by line: indentation, fences, headings, rules, list markers, quotes, table rows and
// the rules for which line may start or interrupt a block. Every rule looks at one line with bounded patterns.
import { MAX_DEPTH } from './types.ts'
import { scanned, tally } from './work.ts'

export function indentOf(line: string): number {
  let i = 0
  while (i < line.length && line[i] === ' ') {
    i++
  }
  tally(i + 1)
  return i
}

export function isBlank(line: string): boolean {
  scanned(line)
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c !== ' ' && c !== '\t' && c !== '\r') {
      return false
    }
  }
  return true
}

export function fenceOf(line: string): { char: string; length: number; info: string } | null {
  scanned(line)
  const indent = indentOf(line)
  if (indent > 3) {
    return null
  }
  const char = line[indent]
  if (char !== '`' && char !== '~') {
    return null
  }
  let end = indent
  while (line[end] === char) {
    end++
  }
  const length = end - indent
  if (length < 3) {
    return null
  }
  const info = line.slice(end).trim()
  if (char === '`' && info.includes('`')) {
    return null
  }
  return { char, length, info }
}

export function headingOf(line: string): { level: number; text: string } | null {
  scanned(line)
  const indent = indentOf(line)
  if (indent > 3 || line[indent] !== '#') {
    return null
  }
  let end = indent
  while (line[end] === '#') {
    end++
  }
  const level = end - indent
  if (level > 6 || (end < line.length && line[end] !== ' ' && line[end] !== '\t')) {
    return null
  }
  let text = line.slice(end).trim()
  // An optional closing sequence of #s (preceded by a space) is not part of the heading.
  let cut = text.length
  while (cut > 0 && text[cut - 1] === '#') {
    cut--
  }
  if (cut === 0) {
    text = ''
  } else if (cut < text.length && (text[cut - 1] === ' ' || text[cut - 1] === '\t')) {
    text = text.slice(0, cut).trim()
  }
  return { level, text }
}

export function isRule(line: string): boolean {
  scanned(line)
  if (indentOf(line) > 3) {
    return false
  }
  let char = ''
  let count = 0
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (c === ' ' || c === '\t' || c === '\r') {
      continue
    }
    if ((c !== '-' && c !== '*' && c !== '_') || (char !== '' && c !== char)) {
      return false
    }
    char = c
    count++
  }
  return count >= 3
}

type ListMarker = { ordered: boolean; start: number; bullet: string; contentIndent: number; indent: number }

const LIST_MARKER = /^( {0,3})([-*+]|(\d{1,9})([.)]))( +|\t|$)/

export function listMarkerOf(line: string): ListMarker | null {
  scanned(line)
  const match = LIST_MARKER.exec(line)
  if (!match) {
    return null
  }
  const indent = match[1]!.length
  const ordered = match[3] !== undefined
  const spaces = match[5]!.length
  // Five or more spaces after the marker start indented code inside the item: count only one.
  const gap = spaces === 0 || spaces > 4 ? 1 : spaces
  return {
    ordered,
    start: ordered ? Number(match[3]) : 1,
    bullet: ordered ? match[4]! : match[2]!,
    indent,
    contentIndent: indent + match[2]!.length + gap,
  }
}

export function isQuote(line: string): boolean {
  scanned(line)
  const indent = indentOf(line)
  return indent <= 3 && line[indent] === '>'
}

export function stripQuote(line: string): string {
  scanned(line)
  const indent = indentOf(line)
  let rest = line.slice(indent + 1)
  if (rest.startsWith(' ')) {
    rest = rest.slice(1)
  }
  return rest
}

export function splitRow(line: string): string[] | null {
  scanned(line)
  let text = line.trim()
  if (!text.includes('|')) {
    return null
  }
  if (text.startsWith('|')) {
    text = text.slice(1)
  }
  if (text.endsWith('|') && !text.endsWith('\\|')) {
    text = text.slice(0, -1)
  }
  const cells: string[] = []
  let current = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\' && text[i + 1] === '|') {
      current += '|'
      i++
    } else if (c === '|') {
      cells.push(current.trim())
      current = ''
    } else {
      current += c
    }
  }
  cells.push(current.trim())
  return cells
}

export function isDelimiterRow(line: string): boolean {
  const cells = splitRow(line)
  if (!cells || cells.length === 0) {
    return false
  }
  return cells.every((cell) => {
    let i = 0
    if (cell[i] === ':') {
      i++
    }
    let dashes = 0
    while (cell[i] === '-') {
      i++
      dashes++
    }
    if (cell[i] === ':') {
      i++
    }
    return dashes > 0 && i === cell.length
  })
}

// `===` or `---` under a paragraph makes it a heading (setext).
export function setextOf(line: string): 1 | 2 | null {
  scanned(line)
  const indent = indentOf(line)
  const char = line[indent]
  if (indent > 3 || (char !== '=' && char !== '-')) {
    return null
  }
  let end = indent
  while (line[end] === char) {
    end++
  }
  for (let i = end; i < line.length; i++) {
    if (line[i] !== ' ' && line[i] !== '\t') {
      return null
    }
  }
  return char === '=' ? 1 : 2
}

// Whether a container whose last line is `line` ends in paragraph text, so that a following unmarked line is
// its lazy continuation (quote and list markers stripped, at most MAX_DEPTH of them).
export function endsInParagraph(line: string | undefined, inFence: boolean): boolean {
  if (line === undefined || inFence) {
    return false
  }
  let rest = line
  for (let level = 0; level <= MAX_DEPTH; level++) {
    if (isQuote(rest)) {
      rest = stripQuote(rest)
      continue
    }
    const marker = listMarkerOf(rest)
    if (marker) {
      rest = rest.slice(Math.min(marker.contentIndent, rest.length))
      continue
    }
    break
  }
  return !isBlank(rest) && indentOf(rest) < 4 && !headingOf(rest) && !isRule(rest) && !fenceOf(rest)
}

// A lazy line is paragraph text: a `===` or `--` there must not make the paragraph a heading (`\=` is an escape).
export function lazy(line: string): string {
  return setextOf(line) !== null ? `\\${line.trimStart()}` : line
}

// Tracks whether lines seen so far leave a fence open (a fence after quote markers counts too).
export function fenceState(line: string, open: { char: string; length: number } | null) {
  let rest = line
  for (let level = 0; level <= MAX_DEPTH && isQuote(rest); level++) {
    rest = stripQuote(rest)
  }
  const fence = fenceOf(rest)
  if (!fence) {
    return open
  }
  if (!open) {
    return { char: fence.char, length: fence.length }
  }
  return fence.char === open.char && fence.length >= open.length && fence.info === '' ? null : open
}

// Only a list item with content starting at 1 can interrupt a paragraph (`The year\n1986. was…` stays text).
export function interruptsParagraph(line: string, depth: number): boolean {
  if (startsBlock(line, depth, false)) {
    return true
  }
  if (depth >= MAX_DEPTH) {
    return false
  }
  const marker = listMarkerOf(line)
  return (
    marker !== null && (!marker.ordered || marker.start === 1) && !isBlank(line.slice(marker.contentIndent))
  )
}

export function startsBlock(line: string, depth: number, lists = true): boolean {
  return (
    fenceOf(line) !== null ||
    headingOf(line) !== null ||
    isRule(line) ||
    (depth < MAX_DEPTH && (isQuote(line) || (lists && listMarkerOf(line) !== null)))
  )
}
