// Inline parsing of one paragraph's text: code spans, links, images, autolinks, annotations, breaks and
// emphasis delimiters (paired in emphasis.ts), scanning each character a bounded number of times.
import { isPunctuation, isWhitespace, PUNCTUATION } from './chars.ts'
import { buildTree, processEmphasis } from './emphasis.ts'
import { entityAt } from './entities.ts'
import {
  AUTOLINK_EMAIL,
  AUTOLINK_URI,
  hasDomain,
  matchBackticks,
  matchBrackets,
  readBareUrl,
  readDestination,
  URL_START,
} from './links.ts'
import {
  ANNOTATION_CLOSE,
  ANNOTATION_OPEN,
  type InlineNode,
  type InlineOptions,
  MAX_DESTINATION,
  MAX_LABEL_DEPTH,
  type Token,
} from './types.ts'
import { tally } from './work.ts'

// The ASCII characters that may start inline syntax: `\` `` ` `` `!` `[` `<` `&` `*` `_` `~`, a line end, and `h`/`H`
// (a bare URL); the private-use annotation marker is the only other one.
const SPECIAL = new Uint8Array(128)
for (const c of '\\`![<&*_~\nhH') {
  SPECIAL[c.charCodeAt(0)] = 1
}
const ANNOTATION_OPEN_CODE = ANNOTATION_OPEN.charCodeAt(0)

// `http://` or `https://` (any case) at `at`, checked without slicing the text.
function startsUrl(text: string, at: number): boolean {
  return (
    (text.charCodeAt(at + 1) | 32) === 116 && // t
    (text.charCodeAt(at + 2) | 32) === 116 && // t
    (text.charCodeAt(at + 3) | 32) === 112 && // p
    URL_START.test(text.slice(at, at + 8))
  )
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
      tally(i - plainStart)
      buffer += text.slice(plainStart, i)
    }
  }
  while (i < text.length) {
    const code = text.charCodeAt(i)
    // Plain characters are skipped by char code; an `h` only stops the scan where `http://` or `https://` starts.
    if (
      (code < 128 ? SPECIAL[code] === 0 : code !== ANNOTATION_OPEN_CODE) ||
      ((code === 104 || code === 72) && !startsUrl(text, i))
    ) {
      i++
      continue
    }
    const c = text[i]!
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
        tally(1)
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
          opens: null,
          closes: null,
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
        tally(1)
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
    tally(i - from + 1)
    plainStart = i
  }
  takePlain()
  flush()
  processEmphasis(tokens, options.streaming)
  return buildTree(tokens)
}
