// Emphasis: CommonMark's delimiter algorithm (`*`, `_`, `~`) with per-kind floors, and the inline tree it builds.
import type { Delimiter, InlineNode, Token } from './types.ts'
import { tally } from './work.ts'

// CommonMark's delimiter algorithm with a floor (`bottom`) per closer kind (character, whether it can open, its
// length mod 3), so every opener is scanned O(1) times in total: no quadratic blow-up on `*a*a*a…` or
// `**********…` (R7).
export function processEmphasis(tokens: Token[], streaming: boolean): void {
  const stack: Delimiter[] = []
  const bottom = new Map<string, number>()
  let nextId = 0
  tally(tokens.length)
  for (const token of tokens) {
    if (token.type !== 'delim') {
      continue
    }
    if (token.canClose) {
      while (token.count > 0) {
        const key = `${token.char}${token.canOpen ? 1 : 0}${token.count % 3}`
        let found = -1
        for (let s = stack.length - 1; s >= (bottom.get(key) ?? 0); s--) {
          tally(1)
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
  tally(stack.length)
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

export function buildTree(tokens: Token[]): InlineNode[] {
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
  tally(tokens.length)
  for (const token of tokens) {
    if (token.type !== 'delim') {
      append(token)
      continue
    }
    tally(token.closes.length + token.opens.length)
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
