// Wire types of a run step: message creation and tool calls (known and other hosts'), and the step delta.
import type { Metadata, Usage } from './shared.ts'

/** Step details of a step that created a message. */
export type MessageCreationStepDetails = {
  type: 'message_creation'
  message_creation: { message_id: string }
}

/** One output of a code interpreter call. */
export type CodeInterpreterOutput =
  | { type: 'logs'; logs: string }
  | { type: 'image'; image: { file_id: string } }

/** A code interpreter call of a tool_calls step. */
export type CodeInterpreterToolCall = {
  id: string
  type: 'code_interpreter'
  code_interpreter: { input: string; outputs: CodeInterpreterOutput[] }
}

/** One file search hit; `content` is present only with `include[]=…file_search.results[*].content`. */
export type FileSearchResult = {
  file_id: string
  file_name: string
  score: number
  content?: Array<{ type: 'text'; text: string }>
}

/** A file search call of a tool_calls step. */
export type FileSearchToolCall = {
  id: string
  type: 'file_search'
  file_search: {
    ranking_options?: { ranker: 'auto' | 'default_2024_08_21'; score_threshold: number }
    results?: FileSearchResult[]
  }
}

/** A function call of a tool_calls step; `output` stays null until outputs are submitted. */
export type FunctionToolCall = {
  id: string
  type: 'function'
  function: { name: string; arguments: string; output: string | null }
}

/** A tool call of one of the three types of OpenAI's API. */
export type KnownToolCall = CodeInterpreterToolCall | FileSearchToolCall | FunctionToolCall

/**
 * A tool call of a type this library does not know (other hosts' `bing_grounding`, `azure_ai_search`, `mcp`,
 * `openapi`, `connected_agent`, …): kept as it came. Its details usually sit under a key named after its type.
 */
export type UnknownToolCall = { id: string; type: string; [key: string]: unknown }

/** Any tool call inside a tool_calls step; narrow with `isKnownToolCall` before switching on `type`. */
export type ToolCall = KnownToolCall | UnknownToolCall

/** Step details of a step that called tools. */
export type ToolCallsStepDetails = { type: 'tool_calls'; tool_calls: ToolCall[] }

/** The status of a run step. */
export type RunStepStatus = 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired'

/** A run step (`object: "thread.run.step"`); accepts both `expired_at` (schema) and `expires_at` (wire). */
export type RunStep = {
  id: string
  object: 'thread.run.step'
  created_at: number
  assistant_id: string
  thread_id: string
  run_id: string
  type: 'message_creation' | 'tool_calls'
  status: RunStepStatus
  step_details: MessageCreationStepDetails | ToolCallsStepDetails
  last_error: { code: 'server_error' | 'rate_limit_exceeded'; message: string } | null
  expired_at?: number | null
  expires_at?: number | null
  cancelled_at: number | null
  failed_at: number | null
  completed_at: number | null
  metadata?: Metadata
  usage?: Usage | null
}

/** What `include[]` can ask for on run and step requests. */
export type RunStepInclude = 'step_details.tool_calls[*].file_search.results[*].content'

/** A partial code interpreter output, merged into `outputs[index]`. */
export type CodeInterpreterOutputDelta =
  | { index: number; type: 'logs'; logs?: string }
  | { index: number; type: 'image'; image?: { file_id?: string } }

/** A partial tool call, merged into `tool_calls[index]`. */
export type ToolCallDelta =
  | {
      index: number
      id?: string
      type: 'function'
      function?: { name?: string; arguments?: string; output?: string | null }
    }
  | {
      index: number
      id?: string
      type: 'code_interpreter'
      code_interpreter?: { input?: string; outputs?: CodeInterpreterOutputDelta[] }
    }
  | { index: number; id?: string; type: 'file_search'; file_search: Record<string, unknown> }
  /** A partial call of a type this library does not know; merged field by field like the others. */
  | { index: number; id?: string; type: string; [key: string]: unknown }

/** The payload of `thread.run.step.delta` (`id` is the step id). */
export type RunStepDelta = {
  id: string
  object: 'thread.run.step.delta'
  delta: {
    step_details?:
      | { type: 'message_creation'; message_creation?: { message_id?: string } }
      | { type: 'tool_calls'; tool_calls?: ToolCallDelta[] }
  }
}
