// A small, linear-time Markdown parser (a safe CommonMark/GFM subset) that yields an AST, never HTML.
// No regex here can backtrack catastrophically: block rules look at one line with bounded patterns, and inline
// scanning touches each character a bounded number of times (checklist R2, R4, R7).

/** An inline node. `annotation` marks where a file_citation / file_path annotation sat in the text. */
export type InlineNode =
  | { type: 'text'; value: string }
  | { type: 'code'; value: string }
  | { type: 'em' | 'strong' | 'del'; children: InlineNode[] }
  | { type: 'link'; href: string; children: InlineNode[] }
  | { type: 'image'; src: string; alt: string }
  | { type: 'break' }
  | { type: 'annotation'; index: number }

/** A block node. A `code` block with `closed: false` is a fence still being streamed. */
export type BlockNode =
  | { type: 'paragraph'; children: InlineNode[] }
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: InlineNode[] }
  | { type: 'code'; lang: string; value: string; closed: boolean }
  | { type: 'blockquote'; children: BlockNode[] }
  | { type: 'list'; ordered: boolean; start: number; tight: boolean; items: BlockNode[][] }
  | { type: 'table'; head: InlineNode[][]; rows: InlineNode[][][] }
  | { type: 'rule' }

/** Options of `parseMarkdown`. */
export type ParseOptions = {
  /** The text is still streaming: hide half-typed syntax at its end instead of showing it raw (R4). */
  streaming?: boolean
}

/** Private-use characters around an annotation index; stripped from model text so it cannot forge them. */
export const ANNOTATION_OPEN = '\uE000'
export const ANNOTATION_CLOSE = '\uE001'

const MAX_DEPTH = 6 // nested quotes/lists beyond this are plain text (R7)
const MAX_DESTINATION = 2048 // link destinations longer than this are not links (bounds every scan)
const MAX_LABEL_DEPTH = 3 // images in link or image labels nested deeper than this are plain text (bounds re-parsing)

// WORK COUNTER
// The parser counts the characters it scans and the delimiter-stack entries it visits, so tests can assert that
// its work grows linearly with the input instead of timing it. Internal: not exported from the package.
let work = 0

/** How much work (characters scanned, stack entries visited) the parser did while `run` ran; internal, for tests. */
export function countParseWork(run: () => void): number {
  const before = work
  run()
  return work - before
}

// A line scanned whole by one block rule.
function scanned(line: string): void {
  work += line.length + 1
}

// BLOCKS

function indentOf(line: string): number {
  let i = 0
  while (i < line.length && line[i] === ' ') {
    i++
  }
  work += i + 1
  return i
}

function isBlank(line: string): boolean {
  scanned(line)
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (c !== ' ' && c !== '\t' && c !== '\r') {
      return false
    }
  }
  return true
}

function fenceOf(line: string): { char: string; length: number; info: string } | null {
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

function headingOf(line: string): { level: number; text: string } | null {
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

function isRule(line: string): boolean {
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

function listMarkerOf(line: string): ListMarker | null {
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

function isQuote(line: string): boolean {
  scanned(line)
  const indent = indentOf(line)
  return indent <= 3 && line[indent] === '>'
}

function stripQuote(line: string): string {
  scanned(line)
  const indent = indentOf(line)
  let rest = line.slice(indent + 1)
  if (rest.startsWith(' ')) {
    rest = rest.slice(1)
  }
  return rest
}

function splitRow(line: string): string[] | null {
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

function isDelimiterRow(line: string): boolean {
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
function setextOf(line: string): 1 | 2 | null {
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
function endsInParagraph(line: string | undefined, inFence: boolean): boolean {
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
function lazy(line: string): string {
  return setextOf(line) !== null ? `\\${line.trimStart()}` : line
}

// Tracks whether lines seen so far leave a fence open (a fence after quote markers counts too).
function fenceState(line: string, open: { char: string; length: number } | null) {
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
function interruptsParagraph(line: string, depth: number): boolean {
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

function startsBlock(line: string, depth: number, lists = true): boolean {
  return (
    fenceOf(line) !== null ||
    headingOf(line) !== null ||
    isRule(line) ||
    (depth < MAX_DEPTH && (isQuote(line) || (lists && listMarkerOf(line) !== null)))
  )
}

// Whether a blank line separated two of the blocks parsed (a list item's blocks: the list is loose).
type BlockStats = { blankBetween: boolean }

// The first non-blank line at or after `from` (its index; `lines.length` if none).
function nextNonBlank(lines: string[], from: number): number {
  let at = from
  while (at < lines.length && isBlank(lines[at]!)) {
    at++
  }
  return at
}

function parseBlocks(
  lines: string[],
  depth: number,
  options: InlineOptions,
  stats?: BlockStats,
): BlockNode[] {
  const blocks: BlockNode[] = []
  let blankSeen = false
  const push = (block: BlockNode) => {
    if (blankSeen && blocks.length > 0 && stats) {
      stats.blankBetween = true
    }
    blankSeen = false
    blocks.push(block)
  }
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (isBlank(line)) {
      blankSeen = true
      i++
      continue
    }
    if (indentOf(line) >= 4) {
      // Indented code: its lines and the blank lines between them, four spaces of indentation removed.
      const body: string[] = []
      let end = i
      while (i < lines.length) {
        const candidate = lines[i]!
        const blank = isBlank(candidate)
        if (!blank && indentOf(candidate) < 4) {
          break
        }
        body.push(candidate.slice(4))
        i++
        if (!blank) {
          end = i
        }
      }
      body.length -= i - end // trailing blank lines are not part of it
      i = end
      push({ type: 'code', lang: '', value: body.join('\n'), closed: true })
      continue
    }
    const fence = fenceOf(line)
    if (fence) {
      // Content lines lose as much indentation as the opening fence had.
      const fenceIndent = indentOf(line)
      const body: string[] = []
      let closed = false
      i++
      while (i < lines.length) {
        const candidate = lines[i]!
        const close = fenceOf(candidate)
        if (close && close.char === fence.char && close.length >= fence.length && close.info === '') {
          closed = true
          i++
          break
        }
        body.push(candidate.slice(Math.min(fenceIndent, indentOf(candidate))))
        i++
      }
      const lang = unescapeText(fence.info.split(/\s/, 1)[0] ?? '')
      push({ type: 'code', lang, value: body.join('\n'), closed })
      continue
    }
    const heading = headingOf(line)
    if (heading) {
      const level = heading.level as 1 | 2 | 3 | 4 | 5 | 6
      push({ type: 'heading', level, children: parseInline(heading.text, options) })
      i++
      continue
    }
    if (isRule(line)) {
      push({ type: 'rule' })
      i++
      continue
    }
    if (depth < MAX_DEPTH && isQuote(line)) {
      const inner: string[] = []
      let open: { char: string; length: number } | null = null
      while (i < lines.length) {
        const next = lines[i]!
        if (isQuote(next)) {
          const stripped = stripQuote(next)
          open = fenceState(stripped, open)
          inner.push(stripped)
        } else if (
          !isBlank(next) &&
          !startsBlock(next, depth) &&
          endsInParagraph(inner[inner.length - 1], open !== null)
        ) {
          inner.push(lazy(next)) // lazy continuation of the quote's paragraph
        } else {
          break
        }
        i++
      }
      push({ type: 'blockquote', children: parseBlocks(inner, depth + 1, options) })
      continue
    }
    const marker = depth < MAX_DEPTH ? listMarkerOf(line) : null
    if (marker) {
      const items: BlockNode[][] = []
      const itemStats: BlockStats = { blankBetween: false }
      let tight = true
      while (i < lines.length) {
        // Siblings may sit at another indentation (less than the item's content; more is nested, consumed).
        const itemMarker = isRule(lines[i]!) ? null : listMarkerOf(lines[i]!) // `- - -` is a rule
        if (!itemMarker || itemMarker.ordered !== marker.ordered || itemMarker.bullet !== marker.bullet) {
          break
        }
        const first = lines[i]!.slice(Math.min(itemMarker.contentIndent, lines[i]!.length))
        const body = [first]
        let open = fenceState(first, null)
        i++
        while (i < lines.length) {
          const next = lines[i]!
          if (isBlank(next) && body.length === 1 && isBlank(first)) {
            break // an item can begin with at most one blank line
          }
          if (isBlank(next)) {
            // Blank lines continue the item only if indented content follows them.
            const after = nextNonBlank(lines, i)
            if (after < lines.length && indentOf(lines[after]!) >= itemMarker.contentIndent) {
              while (i < after) {
                body.push('')
                i++
              }
              continue
            }
            break
          }
          if (indentOf(next) >= itemMarker.contentIndent) {
            const content = next.slice(itemMarker.contentIndent)
            open = fenceState(content, open)
            body.push(content)
            i++
            continue
          }
          if (startsBlock(next, depth) || !endsInParagraph(body[body.length - 1], open !== null)) {
            break
          }
          body.push(lazy(next)) // lazy continuation of the item's paragraph
          i++
        }
        items.push(parseBlocks(body, depth + 1, options, itemStats))
        if (i < lines.length && isBlank(lines[i]!)) {
          const after = nextNonBlank(lines, i)
          const afterMarker = after < lines.length ? listMarkerOf(lines[after]!) : null
          if (
            afterMarker &&
            !isRule(lines[after]!) &&
            afterMarker.ordered === marker.ordered &&
            afterMarker.bullet === marker.bullet &&
            indentOf(lines[after]!) <= 3
          ) {
            tight = false // items separated by a blank line
            i = after
          }
        }
      }
      tight = tight && !itemStats.blankBetween
      push({ type: 'list', ordered: marker.ordered, start: marker.start, tight, items })
      continue
    }
    const head = splitRow(line)
    if (head && i + 1 < lines.length && isDelimiterRow(lines[i + 1]!)) {
      const rows: InlineNode[][][] = []
      i += 2
      while (i < lines.length && !isBlank(lines[i]!)) {
        const cells = splitRow(lines[i]!)
        if (!cells) {
          break
        }
        rows.push(head.map((_, column) => parseInline(cells[column] ?? '', options)))
        i++
      }
      push({ type: 'table', head: head.map((cell) => parseInline(cell, options)), rows })
      continue
    }
    const paragraph: string[] = [line]
    let setext: 1 | 2 | null = null
    i++
    while (i < lines.length && !isBlank(lines[i]!)) {
      setext = setextOf(lines[i]!)
      if (setext !== null) {
        i++
        break
      }
      if (interruptsParagraph(lines[i]!, depth)) {
        break
      }
      paragraph.push(lines[i]!)
      i++
    }
    const text = paragraph.map((part) => part.trimStart()).join('\n')
    work += text.length
    if (setext !== null) {
      push({ type: 'heading', level: setext, children: parseInline(text.trimEnd(), options) })
      continue
    }
    // Only the very end of a streaming message can hold half-typed syntax.
    const atEnd = i >= lines.length
    push({
      type: 'paragraph',
      children: parseInline(text.trimEnd(), { ...options, streaming: options.streaming && atEnd }),
    })
  }
  return blocks
}

/** Parses Markdown into blocks; `\r\n` and `\r` count as line ends. */
export function parseMarkdown(source: string, options: ParseOptions = {}): BlockNode[] {
  work += source.length
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  if (lines.length > 1 && lines[lines.length - 1] === '') {
    lines.pop() // the final line ending ends the last line; it does not start an empty one
  }
  return parseBlocks(lines, 0, { links: true, streaming: options.streaming === true, labelDepth: 0 })
}

// INLINES

/** `labelDepth`: how many link or image labels the text sits in (images stop being parsed past a bound). */
type InlineOptions = { links: boolean; streaming: boolean; labelDepth: number }

type Delimiter = {
  type: 'delim'
  char: string
  count: number
  canOpen: boolean
  canClose: boolean
  opens: Array<{ kind: 'em' | 'strong' | 'del'; id: number }>
  closes: Array<{ kind: 'em' | 'strong' | 'del'; id: number }>
}

type Token = InlineNode | Delimiter

const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')

function isWhitespace(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t' || c === '\n' || c === '\u00a0'
}

function isPunctuation(c: string | undefined): boolean {
  return c !== undefined && (PUNCTUATION.has(c) || /\p{P}|\p{S}/u.test(c))
}

// Each `[` paired with its `]` in one stack pass (escapes respected, code spans skipped: they bind tighter): O(n).
// Links cannot contain links: once a pair forms a link, the `[`s around it are `inactive` (plain text).
function matchBrackets(
  text: string,
  backticks: Map<number, number>,
): { pairs: Map<number, number>; inactive: Set<number> } {
  work += text.length
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
function matchBackticks(text: string): Map<number, number> {
  work += text.length
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
  work += runs.length
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
function readDestination(text: string, open: number): { href: string; end: number } | 'partial' | null {
  work++
  if (text[open] !== '(') {
    return null
  }
  let i = open + 1
  while (text[i] === ' ') {
    work++
    i++
  }
  const angled = text[i] === '<'
  if (angled) {
    i++
  }
  const start = i
  let depth = 0
  while (i < text.length && i - start <= MAX_DESTINATION) {
    work++
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
    work++
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
      work++
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
      work++
      i++
    }
  }
  if (i >= text.length) {
    return 'partial'
  }
  return text[i] === ')' ? { href: unescapeText(href), end: i + 1 } : null
}

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
function entityAt(text: string, at: number): { value: string; end: number } | null {
  const match = ENTITY.exec(text.slice(at, at + 40))
  work += 1 + (match ? match[0].length : 0)
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
function unescapeText(raw: string): string {
  if (!raw.includes('\\') && !raw.includes('&')) {
    return raw
  }
  work += raw.length
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

// `<scheme:…>` and `<user@host>` autolinks.
const AUTOLINK_URI = /^[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\p{Cc} ]*$/u
const AUTOLINK_EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/

const URL_START = /^https?:\/\//i
const TRAILING_URL_PUNCTUATION = new Set(['.', ',', ':', ';', '!', '?', '"', "'", ')', '*', '_', '~'])

// A bare URL needs a domain with a dot after its scheme (GFM): `http://` alone or `http://x` is text.
const URL_WITH_DOMAIN = /^https?:\/\/[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)+/iu

function hasDomain(text: string, start: number): boolean {
  const match = URL_WITH_DOMAIN.exec(text.slice(start, start + 300))
  work += match ? match[0].length : 8
  // No underscore in the last two segments of the domain (GFM).
  return match !== null && !/_[^.]*\.[^.]*$|_[^.]*$/.test(match[0].slice(match[0].indexOf('//') + 2))
}

function readBareUrl(text: string, start: number): number {
  let end = start
  while (end < text.length && end - start < MAX_DESTINATION) {
    work++
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
    work++
    end--
  }
  return end
}

function plainText(nodes: InlineNode[]): string {
  let out = ''
  for (const node of nodes) {
    if (node.type === 'text' || node.type === 'code') {
      out += node.value
    } else if (node.type === 'image') {
      out += node.alt
    } else if ('children' in node) {
      out += plainText(node.children)
    }
  }
  return out
}

/** The text content of inline nodes (for heading ids, alt text and announcements). */
export function inlineText(nodes: InlineNode[]): string {
  return plainText(nodes)
}

/** Parses one paragraph's text into inline nodes. */
export function parseInline(text: string, options: InlineOptions): InlineNode[] {
  const tokens: Token[] = []
  const backticks = matchBackticks(text)
  const { pairs: brackets, inactive } = matchBrackets(text, backticks)
  let buffer = ''
  const flush = () => {
    if (buffer !== '') {
      tokens.push({ type: 'text', value: buffer })
      buffer = ''
    }
  }
  let i = 0
  let plainStart = 0
  const takePlain = () => {
    if (i > plainStart) {
      work += i - plainStart
      buffer += text.slice(plainStart, i)
    }
  }
  while (i < text.length) {
    const c = text[i]!
    if (
      c !== '\\' &&
      c !== '`' &&
      c !== '!' &&
      c !== '[' &&
      c !== '<' &&
      c !== '&' &&
      c !== '*' &&
      c !== '_' &&
      c !== '~' &&
      c !== '\n' &&
      c !== ANNOTATION_OPEN &&
      !((c === 'h' || c === 'H') && URL_START.test(text.slice(i, i + 8)))
    ) {
      i++
      continue
    }
    takePlain()
    const from = i
    if (c === '\\') {
      const next = text[i + 1]
      if (next === '\n') {
        flush()
        tokens.push({ type: 'break' })
        i += 2
      } else if (next !== undefined && PUNCTUATION.has(next)) {
        buffer += next
        i += 2
      } else {
        buffer += c
        i++
      }
    } else if (c === '`') {
      let length = 1
      while (text[i + length] === '`') {
        length++
      }
      const close = backticks.get(i)
      if (close !== undefined) {
        let value = text.slice(i + length, close).replace(/\n/g, ' ')
        if (value.length > 2 && value.startsWith(' ') && value.endsWith(' ') && value.trim() !== '') {
          value = value.slice(1, -1)
        }
        flush()
        tokens.push({ type: 'code', value })
        i = close + length
      } else if (options.streaming) {
        flush()
        tokens.push({ type: 'code', value: text.slice(i + length) })
        i = text.length
      } else {
        buffer += text.slice(i, i + length)
        i += length
      }
    } else if (
      c === '[' ? options.links : c === '!' && text[i + 1] === '[' && options.labelDepth < MAX_LABEL_DEPTH
    ) {
      const open = c === '!' ? i + 1 : i
      const close = brackets.get(open)
      // An inactive `[` encloses a link: it is text (its link is parsed as the scan goes on).
      const active = !inactive.has(open)
      const destination = close === undefined || !active ? null : readDestination(text, close + 1)
      const labelDepth = options.labelDepth + 1
      if (close !== undefined && destination !== null && destination !== 'partial') {
        flush()
        const label = text.slice(open + 1, close)
        if (c === '!') {
          tokens.push({
            type: 'image',
            src: destination.href,
            alt: plainText(parseInline(label, { ...options, labelDepth })),
          })
        } else {
          tokens.push({
            type: 'link',
            href: destination.href,
            children: parseInline(label, { links: false, streaming: false, labelDepth }),
          })
        }
        i = destination.end
      } else if (active && options.streaming && (close === undefined || destination === 'partial')) {
        // Half-typed `[label` or `[label](http…` at the end of a stream: show the label only (R4).
        flush()
        const label = close === undefined ? text.slice(open + 1) : text.slice(open + 1, close)
        if (c !== '!') {
          tokens.push(...parseInline(label, { links: false, streaming: true, labelDepth }))
        }
        i = text.length
      } else {
        buffer += c
        i++
      }
    } else if (c === '&') {
      const entity = entityAt(text, i)
      buffer += entity ? entity.value : c
      i = entity ? entity.end : i + 1
    } else if (c === '<') {
      // `<https://…>`, `<user@host>`: the scan stops at the next `<` or whitespace, so scans never overlap.
      let end = i + 1
      while (
        end < text.length &&
        end - i < MAX_DESTINATION &&
        text[end] !== '>' &&
        text[end] !== '<' &&
        !isWhitespace(text[end])
      ) {
        work++
        end++
      }
      const candidate = text[end] === '>' ? text.slice(i + 1, end) : ''
      const email = AUTOLINK_EMAIL.test(candidate)
      if (email || AUTOLINK_URI.test(candidate)) {
        // In link text (no links in links) an autolink is its text.
        flush()
        const href = email ? `mailto:${candidate}` : candidate
        tokens.push(
          options.links
            ? { type: 'link', href, children: [{ type: 'text', value: candidate }] }
            : { type: 'text', value: candidate },
        )
        i = end + 1
      } else {
        buffer += c // raw HTML is text, never markup (R2)
        i++
      }
    } else if (c === '*' || c === '_' || c === '~') {
      let length = 1
      while (text[i + length] === c) {
        length++
      }
      if (c === '~' && length !== 2) {
        buffer += text.slice(i, i + length)
        i += length
      } else {
        const before = text[i - 1]
        const after = text[i + length]
        const left =
          !isWhitespace(after) && (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before))
        const right =
          !isWhitespace(before) && (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after))
        flush()
        tokens.push({
          type: 'delim',
          char: c,
          count: length,
          canOpen: c === '_' ? left && (!right || isPunctuation(before)) : left,
          canClose: c === '_' ? right && (!left || isPunctuation(after)) : right,
          opens: [],
          closes: [],
        })
        i += length
      }
    } else if (c === '\n') {
      if (buffer.endsWith('  ')) {
        buffer = buffer.replace(/ +$/, '')
        flush()
        tokens.push({ type: 'break' })
      } else {
        buffer += '\n'
      }
      i++
    } else if (c === ANNOTATION_OPEN) {
      let close = i + 1
      while (close < text.length && close - i < 12 && text[close] !== ANNOTATION_CLOSE) {
        work++
        close++
      }
      const index = text[close] === ANNOTATION_CLOSE ? Number(text.slice(i + 1, close)) : Number.NaN
      if (Number.isInteger(index)) {
        flush()
        tokens.push({ type: 'annotation', index })
        i = close + 1
      } else {
        i++
      }
    } else if (
      (c === 'h' || c === 'H') &&
      options.links &&
      (i === 0 || !/[\p{L}\p{N}]/u.test(text[i - 1]!)) &&
      hasDomain(text, i)
    ) {
      const end = readBareUrl(text, i)
      const href = text.slice(i, end)
      flush()
      tokens.push({ type: 'link', href, children: [{ type: 'text', value: href }] })
      i = end
    } else {
      buffer += c
      i++
    }
    work += i - from + 1
    plainStart = i
  }
  takePlain()
  flush()
  processEmphasis(tokens, options.streaming)
  return buildTree(tokens)
}

// CommonMark's delimiter algorithm with a floor (`bottom`) per closer kind (character, whether it can open, its
// length mod 3), so every opener is scanned O(1) times in total: no quadratic blow-up on `*a*a*a…` or
// `**********…` (R7).
function processEmphasis(tokens: Token[], streaming: boolean): void {
  const stack: Delimiter[] = []
  const bottom = new Map<string, number>()
  let nextId = 0
  work += tokens.length
  for (const token of tokens) {
    if (token.type !== 'delim') {
      continue
    }
    if (token.canClose) {
      while (token.count > 0) {
        const key = `${token.char}${token.canOpen ? 1 : 0}${token.count % 3}`
        let found = -1
        for (let s = stack.length - 1; s >= (bottom.get(key) ?? 0); s--) {
          work++
          const candidate = stack[s]!
          // The rule of 3 (on what is left of both runs, as micromark): a run that can both open and close
          // cannot pair with one when their lengths add up to a multiple of 3, unless both are multiples of 3.
          const oddMatch =
            token.char !== '~' &&
            (token.canOpen || candidate.canClose) &&
            (candidate.count + token.count) % 3 === 0 &&
            !(candidate.count % 3 === 0 && token.count % 3 === 0)
          if (candidate.char === token.char && candidate.count > 0 && !oddMatch) {
            found = s
            break
          }
        }
        if (found < 0) {
          bottom.set(key, stack.length)
          break
        }
        const opener = stack[found]!
        const use = token.char === '~' ? 2 : opener.count >= 2 && token.count >= 2 ? 2 : 1
        const kind = token.char === '~' ? 'del' : use === 2 ? 'strong' : 'em'
        const id = nextId++
        opener.opens.push({ kind, id })
        token.closes.push({ kind, id })
        opener.count -= use
        token.count -= use
        stack.length = opener.count > 0 ? found + 1 : found
        for (const [name, floor] of bottom) {
          bottom.set(name, Math.min(floor, stack.length))
        }
      }
    }
    if (token.canOpen && token.count > 0) {
      stack.push(token)
    }
  }
  if (!streaming || stack.length === 0) {
    return
  }
  // While streaming, close still-open emphasis at the end so `**bo` shows bold, not asterisks (R4).
  const closer: Delimiter = {
    type: 'delim',
    char: '',
    count: 0,
    canOpen: false,
    canClose: false,
    opens: [],
    closes: [],
  }
  work += stack.length
  for (let s = stack.length - 1; s >= 0; s--) {
    const opener = stack[s]!
    const kinds: Array<'em' | 'strong' | 'del'> =
      opener.char === '~'
        ? ['del']
        : opener.count >= 3
          ? ['strong', 'em']
          : opener.count === 2
            ? ['strong']
            : ['em']
    for (const kind of kinds) {
      const id = nextId++
      opener.opens.push({ kind, id })
      closer.closes.push({ kind, id })
    }
    opener.count = 0
  }
  tokens.push(closer)
}

type Frame = { kind: 'em' | 'strong' | 'del' | 'root'; id: number; children: InlineNode[] }

function buildTree(tokens: Token[]): InlineNode[] {
  const root: Frame = { kind: 'root', id: -1, children: [] }
  const frames: Frame[] = [root]
  const append = (node: InlineNode) => {
    const children = frames[frames.length - 1]!.children
    const last = children[children.length - 1]
    if (node.type === 'text' && last?.type === 'text') {
      children[children.length - 1] = { type: 'text', value: last.value + node.value }
    } else {
      children.push(node)
    }
  }
  work += tokens.length
  for (const token of tokens) {
    if (token.type !== 'delim') {
      append(token)
      continue
    }
    work += token.closes.length + token.opens.length
    for (const close of token.closes) {
      const frame = frames[frames.length - 1]!
      if (frame.id !== close.id) {
        continue // cannot happen with properly nested pairs; never throw on model text
      }
      frames.pop()
      append({ type: frame.kind as 'em', children: frame.children })
    }
    if (token.count > 0) {
      append({ type: 'text', value: token.char.repeat(token.count) })
    }
    for (let o = token.opens.length - 1; o >= 0; o--) {
      const open = token.opens[o]!
      frames.push({ kind: open.kind, id: open.id, children: [] })
    }
  }
  // Unclosed frames (only if something went wrong) are flattened rather than lost.
  while (frames.length > 1) {
    const frame = frames.pop()!
    frames[frames.length - 1]!.children.push({ type: frame.kind as 'em', children: frame.children })
  }
  return root.children
}
