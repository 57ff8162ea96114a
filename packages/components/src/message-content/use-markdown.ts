'use client'
// Owns the parse of a text part while it streams: the incremental parser's state, kept per component and shared
// between the components that show the same message part (a step list, a timeline and devtools side by side).
import { useMemo, useRef } from 'react'
import { type IncrementalMarkdown, parseMarkdownIncremental } from './markdown.ts'

// The latest parse of each shown message part, by `messageId:partIndex`. Bounded (the oldest goes first) and only a
// cache: a parse is reused only where the text still starts with what it finished, so a stale or foreign entry
// costs a full parse, never a wrong block.
const shared = new Map<string, IncrementalMarkdown>()
const SHARED_LIMIT = 64

function remember(key: string, parse: IncrementalMarkdown): void {
  shared.delete(key)
  shared.set(key, parse)
  if (shared.size > SHARED_LIMIT) {
    shared.delete(shared.keys().next().value as string)
  }
}

/**
 * The blocks of `text`, parsed incrementally: finished blocks keep their nodes from render to render (so memoised
 * blocks skip rendering) and only the open tail is parsed again. `sharedKey` (message id and part index) lets other
 * components showing the same part reuse the parse; without it the parse is this component's own.
 */
export function useIncrementalMarkdown(
  text: string,
  streaming: boolean,
  sharedKey: string | undefined,
): IncrementalMarkdown {
  // A cache, not state: any earlier parse is a valid starting point, so a render React discards costs nothing.
  const own = useRef<IncrementalMarkdown | undefined>(undefined)
  return useMemo(() => {
    const previous = (sharedKey === undefined ? undefined : shared.get(sharedKey)) ?? own.current
    const parse = parseMarkdownIncremental(previous, text, { streaming })
    own.current = parse
    if (sharedKey !== undefined) {
      remember(sharedKey, parse)
    }
    return parse
  }, [text, streaming, sharedKey])
}
