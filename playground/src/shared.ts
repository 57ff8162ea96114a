// What the playground's parts share: the list queries (same keys everywhere, so the stream's cache writes reach
// every view), the type of the one `useRunStream` of the page, and a stable-callback hook for render boundaries.
import type { useRunStream } from '@oai-runs/client/react'
import { useCallback, useLayoutEffect, useRef } from 'react'

/** The chat's message list: newest 50 first; older pages on demand. */
export const MESSAGE_QUERY = { limit: 50 } as const
/** The thread's run list. */
export const RUN_QUERY = { limit: 20 } as const
/** The run panel's step list. */
export const STEP_QUERY = { order: 'asc' } as const

export type Stream = ReturnType<typeof useRunStream>

/**
 * A callback whose identity never changes but which always calls the latest `fn` (a `useEvent` stand-in), so a
 * memoised child handed it does not render again when the parent renders per streamed token.
 */
export function useStableCallback<Args extends unknown[], Result>(
  fn: (...args: Args) => Result,
): (...args: Args) => Result {
  const latest = useRef(fn)
  useLayoutEffect(() => {
    latest.current = fn
  })
  return useCallback((...args: Args) => latest.current(...args), [])
}
