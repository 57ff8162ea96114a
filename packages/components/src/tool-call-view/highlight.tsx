// A tiny, linear-time highlighter for code interpreter input (Python-flavoured): keywords, strings,
// comments, numbers. Tokens become spans with `data-token`; text stays text.
import type { ReactNode } from 'react'

const KEYWORDS = new Set(
  'and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return True try while with yield print'.split(
    ' ',
  ),
)

function isIdentifierStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_'
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9'
}

/** Splits code into highlighted spans. */
export function highlight(code: string): ReactNode[] {
  const out: ReactNode[] = []
  let plain = ''
  let i = 0
  const push = (kind: string, value: string) => {
    if (plain) {
      out.push(plain)
      plain = ''
    }
    out.push(
      <span key={out.length} data-token={kind}>
        {value}
      </span>,
    )
  }
  while (i < code.length) {
    const c = code[i]!
    if (c === '#') {
      let end = code.indexOf('\n', i)
      end = end < 0 ? code.length : end
      push('comment', code.slice(i, end))
      i = end
    } else if (c === '"' || c === "'") {
      const triple = code.startsWith(c.repeat(3), i)
      const quote = triple ? c.repeat(3) : c
      let end = i + quote.length
      while (end < code.length && !code.startsWith(quote, end) && (triple || code[end] !== '\n')) {
        end += code[end] === '\\' ? 2 : 1
      }
      end = Math.min(code.length, end + (code.startsWith(quote, end) ? quote.length : 0))
      push('string', code.slice(i, end))
      i = end
    } else if (isDigit(c) && !isIdentifierStart(code[i - 1] ?? ' ')) {
      let end = i
      while (end < code.length && (isDigit(code[end]) || code[end] === '.' || code[end] === '_')) {
        end++
      }
      push('number', code.slice(i, end))
      i = end
    } else if (isIdentifierStart(c)) {
      let end = i
      while (end < code.length && (isIdentifierStart(code[end]!) || isDigit(code[end]))) {
        end++
      }
      const word = code.slice(i, end)
      if (KEYWORDS.has(word)) {
        push('keyword', word)
      } else if (code[end] === '(') {
        push('function', word)
      } else {
        plain += word
      }
      i = end
    } else {
      plain += c
      i++
    }
  }
  if (plain) {
    out.push(plain)
  }
  return out
}
