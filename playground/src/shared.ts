// What the playground's parts share: the list queries (same keys everywhere, so the stream's cache writes reach
// every view) and the type of the one `useRunStream` of the page.
import type { useRunStream } from '@oai-runs/client/react'

/** The chat's message list: newest 50 first; older pages on demand. */
export const MESSAGE_QUERY = { limit: 50 } as const
/** The thread's run list. */
export const RUN_QUERY = { limit: 20 } as const
/** The run panel's step list. */
export const STEP_QUERY = { order: 'asc' } as const

export type Stream = ReturnType<typeof useRunStream>
