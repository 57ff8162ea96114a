// The wire type of an assistant.
import type { AssistantTool, ResponseFormat, ToolResources } from './options.ts'
import type { Metadata } from './shared.ts'

/** An assistant (`object: "assistant"`). */
export type Assistant = {
  id: string
  object: 'assistant'
  created_at: number
  name: string | null
  description: string | null
  model: string
  instructions: string | null
  tools: AssistantTool[]
  tool_resources?: ToolResources | null
  metadata?: Metadata
  temperature?: number | null
  top_p?: number | null
  response_format?: ResponseFormat | null
}
