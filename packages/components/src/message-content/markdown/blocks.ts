// Block structure: splits lines into paragraphs, headings, lists, quotes, fences and tables (`parseMarkdown`),
// handing paragraph text to the inline parser.
import {
  endsInParagraph,
  fenceOf,
  fenceState,
  headingOf,
  indentOf,
  interruptsParagraph,
  isBlank,
  isDelimiterRow,
  isQuote,
  isRule,
  lazy,
  listMarkerOf,
  setextOf,
  splitRow,
  startsBlock,
  stripQuote,
} from './block-lines.ts'
import { unescapeText } from './entities.ts'
import { parseInline } from './inline.ts'
import { type BlockNode, type InlineOptions, MAX_DEPTH, type ParseOptions } from './types.ts'
import { tally } from './work.ts'

// Whether a blank line separated two of the blocks parsed (a list item's blocks: the list is loose).
export type BlockStats = { blankBetween: boolean }

// The first non-blank line at or after `from` (its index; `lines.length` if none).
function nextNonBlank(lines: string[], from: number): number {
  let at = from
  while (at < lines.length && isBlank(lines[at]!)) {
    at++
  }
  return at
}

/**
 * Parses `lines` into blocks. `begins`, when given, receives the index of the line each block starts on (one entry
 * per block, in order): the incremental parser uses it to know which blocks a later line can no longer change.
 */
export function parseBlocks(
  lines: string[],
  depth: number,
  options: InlineOptions,
  stats?: BlockStats,
  begins?: number[],
): BlockNode[] {
  const blocks: BlockNode[] = []
  // Only the very end of a streaming message can hold half-typed syntax: a block that ends before the last line
  // parses as finished text, whether or not the message is still streaming (so it never changes when it ends).
  let finished: InlineOptions | undefined
  const upTo = (end: number): InlineOptions => {
    if (!options.streaming || end >= lines.length) {
      return options
    }
    finished ??= { ...options, streaming: false }
    return finished
  }
  let blankSeen = false
  let begin = 0
  const push = (block: BlockNode) => {
    if (blankSeen && blocks.length > 0 && stats) {
      stats.blankBetween = true
    }
    blankSeen = false
    blocks.push(block)
    begins?.push(begin)
  }
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (isBlank(line)) {
      blankSeen = true
      i++
      continue
    }
    begin = i
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
      push({ type: 'heading', level, children: parseInline(heading.text, upTo(i + 1)) })
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
      push({ type: 'blockquote', children: parseBlocks(inner, depth + 1, upTo(i)) })
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
        items.push(parseBlocks(body, depth + 1, upTo(i), itemStats))
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
      const cellRows: string[][] = []
      i += 2
      while (i < lines.length && !isBlank(lines[i]!)) {
        const cells = splitRow(lines[i]!)
        if (!cells) {
          break
        }
        cellRows.push(cells)
        i++
      }
      const cellOptions = upTo(i)
      const rows = cellRows.map((cells) =>
        head.map((_, column) => parseInline(cells[column] ?? '', cellOptions)),
      )
      push({ type: 'table', head: head.map((cell) => parseInline(cell, cellOptions)), rows })
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
    tally(text.length)
    if (setext !== null) {
      push({ type: 'heading', level: setext, children: parseInline(text.trimEnd(), upTo(i)) })
      continue
    }
    push({ type: 'paragraph', children: parseInline(text.trimEnd(), upTo(i)) })
  }
  return blocks
}

/** Parses Markdown into blocks; `\r\n` and `\r` count as line ends. */
export function parseMarkdown(source: string, options: ParseOptions = {}): BlockNode[] {
  tally(source.length)
  const lines = source.replace(/\r\n?/g, '\n').split('\n')
  if (lines.length > 1 && lines[lines.length - 1] === '') {
    lines.pop() // the final line ending ends the last line; it does not start an empty one
  }
  return parseBlocks(lines, 0, { links: true, streaming: options.streaming === true, labelDepth: 0 })
}
