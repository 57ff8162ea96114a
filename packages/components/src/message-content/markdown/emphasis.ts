// Emphasis: CommonMark's delimiter algorithm (`*`, `_`, `~`) with per-kind floors, and the inline tree it builds.
import { type Delimiter, EMPHASIS_KINDS, type InlineNode, type Token } from './types.ts'
import { tally } from './work.ts'

// The floor's slot of a closer kind: character (`*`, `_`, `~`) × can open × length mod 3.
function floorSlot(char: string, canOpen: boolean, count: number): number {
  return (char === '*' ? 0 : char === '_' ? 6 : 12) + (canOpen ? 3 : 0) + (count % 3)
}

// Records that `opener` opens and `closer` closes emphasis `id` of `kind`.
function pair(opener: Delimiter, closer: Delimiter, kind: 'em' | 'strong' | 'del', id: number): void {
  const entry = id * 4 + EMPHASIS_KINDS.indexOf(kind)
  opener.opens ??= []
  opener.opens.push(entry)
  closer.closes ??= []
  closer.closes.push(entry)
}

// CommonMark's delimiter algorithm with a floor (`bottom`) per closer kind (character, whether it can open, its
// length mod 3), so every opener is scanned O(1) times in total: no quadratic blow-up on `*a*a*a…` or
// `**********…` (R7).
export function processEmphasis(tokens: Token[], streaming: boolean): void {
  const stack: Delimiter[] = []
  let bottom: number[] | undefined // made at the first closer: most paragraphs have none
  let nextId = 0
  tally(tokens.length)
  for (const token of tokens) {
    if (token.type !== 'delim') {
      continue
    }
    if (token.canClose && stack.length > 0) {
      bottom ??= new Array<number>(18).fill(0)
      while (token.count > 0) {
        const slot = floorSlot(token.char, token.canOpen, token.count)
        let found = -1
        for (let s = stack.length - 1; s >= bottom[slot]!; s--) {
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
          bottom[slot] = stack.length
          break
        }
        const opener = stack[found]!
        const use = token.char === '~' ? 2 : opener.count >= 2 && token.count >= 2 ? 2 : 1
        const kind = token.char === '~' ? 'del' : use === 2 ? 'strong' : 'em'
        const id = nextId++
        pair(opener, token, kind, id)
        opener.count -= use
        token.count -= use
        stack.length = opener.count > 0 ? found + 1 : found
        for (let slot = 0; slot < bottom.length; slot++) {
          bottom[slot] = Math.min(bottom[slot]!, stack.length)
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
    opens: null,
    closes: null,
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
      pair(opener, closer, kind, id)
    }
    opener.count = 0
  }
  tokens.push(closer)
}

// A frame of the tree being built; `text` holds the text appended since its last node (adjacent text merges into
// one node without a new string and node per piece).
type Frame = { kind: 'em' | 'strong' | 'del' | 'root'; id: number; children: InlineNode[]; text: string }

function flushText(frame: Frame): void {
  if (frame.text !== '') {
    frame.children.push({ type: 'text', value: frame.text })
    frame.text = ''
  }
}

export function buildTree(tokens: Token[]): InlineNode[] {
  const root: Frame = { kind: 'root', id: -1, children: [], text: '' }
  const frames: Frame[] = [root]
  const append = (node: InlineNode) => {
    const frame = frames[frames.length - 1]!
    if (node.type === 'text') {
      frame.text += node.value
    } else {
      flushText(frame)
      frame.children.push(node)
    }
  }
  tally(tokens.length)
  for (const token of tokens) {
    if (token.type !== 'delim') {
      append(token)
      continue
    }
    if (token.closes) {
      tally(token.closes.length)
      for (const close of token.closes) {
        const frame = frames[frames.length - 1]!
        if (frame.id !== close >> 2) {
          continue // cannot happen with properly nested pairs; never throw on model text
        }
        frames.pop()
        flushText(frame)
        append({ type: frame.kind as 'em', children: frame.children })
      }
    }
    if (token.count > 0) {
      append({ type: 'text', value: token.char.repeat(token.count) })
    }
    if (token.opens) {
      tally(token.opens.length)
      for (let o = token.opens.length - 1; o >= 0; o--) {
        const open = token.opens[o]!
        frames.push({ kind: EMPHASIS_KINDS[open & 3]!, id: open >> 2, children: [], text: '' })
      }
    }
  }
  // Unclosed frames (only if something went wrong) are flattened rather than lost.
  while (frames.length > 1) {
    const frame = frames.pop()!
    flushText(frame)
    const parent = frames[frames.length - 1]!
    flushText(parent)
    parent.children.push({ type: frame.kind as 'em', children: frame.children })
  }
  flushText(root)
  return root.children
}
