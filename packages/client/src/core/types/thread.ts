// The wire type of a thread.
import type { ToolResources } from './options.ts'
import type { Metadata } from './shared.ts'

/** A thread (`object: "thread"`). */
export type Thread = {
  id: string
  object: 'thread'
  created_at: number
  tool_resources?: ToolResources | null
  metadata?: Metadata
}
