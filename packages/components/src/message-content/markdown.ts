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
  | { type: 'list'; ordered: boolean; start: number; items: BlockNode[][] }
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

function startsBlock(line: string, depth: number): boolean {
  return (
    fenceOf(line) !== null ||
    headingOf(line) !== null ||
    isRule(line) ||
    (depth < MAX_DEPTH && (isQuote(line) || listMarkerOf(line) !== null))
  )
}

function parseBlocks(lines: string[], depth: number, options: InlineOptions): BlockNode[] {
  const blocks: BlockNode[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (isBlank(line)) {
      i++
      continue
    }
    const fence = fenceOf(line)
    if (fence) {
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
        body.push(candidate)
        i++
      }
      const lang = fence.info.split(/\s/, 1)[0] ?? ''
      blocks.push({ type: 'code', lang, value: body.join('\n'), closed })
      continue
    }
    const heading = headingOf(line)
    if (heading) {
      const level = heading.level as 1 | 2 | 3 | 4 | 5 | 6
      blocks.push({ type: 'heading', level, children: parseInline(heading.text, options) })
      i++
      continue
    }
    if (isRule(line)) {
      blocks.push({ type: 'rule' })
      i++
      continue
    }
    if (depth < MAX_DEPTH && isQuote(line)) {
      const inner: string[] = []
      while (i < lines.length && isQuote(lines[i]!)) {
        inner.push(stripQuote(lines[i]!))
        i++
      }
      blocks.push({ type: 'blockquote', children: parseBlocks(inner, depth + 1, options) })
      continue
    }
    const marker = depth < MAX_DEPTH ? listMarkerOf(line) : null
    if (marker) {
      const items: BlockNode[][] = []
      while (i < lines.length) {
        const itemMarker = listMarkerOf(lines[i]!)
        if (
          !itemMarker ||
          itemMarker.ordered !== marker.ordered ||
          itemMarker.bullet !== marker.bullet ||
          itemMarker.indent !== marker.indent
        ) {
          break
        }
        const body = [lines[i]!.slice(Math.min(itemMarker.contentIndent, lines[i]!.length))]
        i++
        while (i < lines.length) {
          const next = lines[i]!
          if (isBlank(next)) {
            // A blank line continues the item only if indented content follows it.
            const after = lines[i + 1]
            if (after !== undefined && !isBlank(after) && indentOf(after) >= itemMarker.contentIndent) {
              body.push('')
              i++
              continue
            }
            break
          }
          if (indentOf(next) >= itemMarker.contentIndent) {
            body.push(next.slice(itemMarker.contentIndent))
            i++
            continue
          }
          if (startsBlock(next, depth)) {
            break
          }
          body.push(next) // lazy continuation of the item's paragraph
          i++
        }
        items.push(parseBlocks(body, depth + 1, options))
        if (i < lines.length && isBlank(lines[i]!)) {
          const after = lines[i + 1]
          const afterMarker = after === undefined ? null : listMarkerOf(after)
          if (afterMarker && afterMarker.bullet === marker.bullet && afterMarker.indent === marker.indent) {
            i++
          }
        }
      }
      blocks.push({ type: 'list', ordered: marker.ordered, start: marker.start, items })
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
      blocks.push({ type: 'table', head: head.map((cell) => parseInline(cell, options)), rows })
      continue
    }
    const paragraph: string[] = [line]
    i++
    while (i < lines.length && !isBlank(lines[i]!) && !startsBlock(lines[i]!, depth)) {
      paragraph.push(lines[i]!)
      i++
    }
    const text = paragraph.map((part) => part.trimStart()).join('\n')
    work += text.length
    // Only the very end of a streaming message can hold half-typed syntax.
    const atEnd = i >= lines.length
    blocks.push({
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

// Each `[` paired with its `]` in one stack pass (escapes respected): O(n).
function matchBrackets(text: string): Map<number, number> {
  work += text.length
  const pairs = new Map<number, number>()
  const stack: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\\') {
      i++
    } else if (c === '[') {
      stack.push(i)
    } else if (c === ']' && stack.length > 0) {
      pairs.set(stack.pop()!, i)
    }
  }
  return pairs
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
  // An optional title: "…", '…' or (…), ignored.
  while (text[i] === ' ') {
    work++
    i++
  }
  const quote = text[i]
  if (quote === '"' || quote === "'") {
    let close = i + 1
    while (close < text.length && text[close] !== quote && text[close] !== '[' && text[close] !== ']') {
      work++
      close++
    }
    if (close >= text.length) {
      return 'partial'
    }
    if (text[close] !== quote || close - i > MAX_DESTINATION) {
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
  return text[i] === ')' ? { href, end: i + 1 } : null
}

const URL_START = /^https?:\/\//i
const TRAILING_URL_PUNCTUATION = new Set(['.', ',', ':', ';', '!', '?', '"', "'", ')', '*', '_', '~'])

function readBareUrl(text: string, start: number): number {
  let end = start
  while (end < text.length && end - start < MAX_DESTINATION) {
    work++
    const c = text[end]!
    // Quotes and angle brackets end a bare URL (GFM stops at `<`; `">` is an HTML attribute's end, not a URL's).
    if (isWhitespace(c) || c === '<' || c === '>' || c === '"' || c === '`' || c === ANNOTATION_OPEN) {
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
  const brackets = matchBrackets(text)
  const backticks = matchBackticks(text)
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
    } else if (c === '[' ? options.links : text[i + 1] === '[' && options.labelDepth < MAX_LABEL_DEPTH) {
      const open = c === '!' ? i + 1 : i
      const close = brackets.get(open)
      const destination = close === undefined ? null : readDestination(text, close + 1)
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
      } else if (options.streaming && (close === undefined || destination === 'partial')) {
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
    } else if (c === '<') {
      // `<https://…>`: the scan stops at the next `<` or whitespace, so scans never overlap.
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
      if (options.links && URL_START.test(candidate)) {
        flush()
        tokens.push({ type: 'link', href: candidate, children: [{ type: 'text', value: candidate }] })
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
        buffer = buffer.trimEnd()
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
      (i === 0 || !/[\p{L}\p{N}]/u.test(text[i - 1]!))
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

// CommonMark's delimiter algorithm with a per-character floor (`bottom`), so every opener is scanned O(1)
// times in total: no quadratic blow-up on `*a*a*a…` or `**********…` (R7).
function processEmphasis(tokens: Token[], streaming: boolean): void {
  const stack: Delimiter[] = []
  const bottom: Record<string, number> = { '*': 0, _: 0, '~': 0 }
  let nextId = 0
  work += tokens.length
  for (const token of tokens) {
    if (token.type !== 'delim') {
      continue
    }
    if (token.canClose) {
      while (token.count > 0) {
        let found = -1
        for (let s = stack.length - 1; s >= (bottom[token.char] ?? 0); s--) {
          work++
          const candidate = stack[s]!
          if (candidate.char === token.char && candidate.count > 0) {
            found = s
            break
          }
        }
        if (found < 0) {
          bottom[token.char] = stack.length
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
        for (const key of Object.keys(bottom)) {
          bottom[key] = Math.min(bottom[key]!, stack.length)
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
