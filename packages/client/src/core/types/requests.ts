// Request bodies and queries: message, thread and run creation, tool outputs and approvals, updates, list cursors.
import type { ImageDetail, MessageAttachment } from './message.ts'
import type {
  AssistantTool,
  ReasoningEffort,
  ResponseFormat,
  ToolChoice,
  ToolResources,
  TruncationStrategy,
} from './options.ts'
import type { Metadata } from './shared.ts'
import type { RunStepInclude } from './step.ts'

/** One content part of a message to create. */
export type MessageContentInput =
  | { type: 'text'; text: string }
  | { type: 'image_file'; image_file: { file_id: string; detail?: ImageDetail } }
  | { type: 'image_url'; image_url: { url: string; detail?: ImageDetail } }

/** The body of a message create (CreateMessageRequest). */
export type CreateMessageParams = {
  role: 'user' | 'assistant'
  content: string | MessageContentInput[]
  attachments?: MessageAttachment[] | null
  metadata?: Metadata
}

/** The body of a thread create (CreateThreadRequest). */
export type CreateThreadParams = {
  messages?: CreateMessageParams[]
  tool_resources?: ToolResources | null
  metadata?: Metadata
}

/** Fields shared by run create and thread-and-run create. */
type RunParamsBase = {
  assistant_id: string
  model?: string | null
  instructions?: string | null
  tools?: AssistantTool[] | null
  metadata?: Metadata
  temperature?: number | null
  top_p?: number | null
  stream?: boolean | null
  max_prompt_tokens?: number | null
  max_completion_tokens?: number | null
  truncation_strategy?: TruncationStrategy | null
  tool_choice?: ToolChoice | null
  parallel_tool_calls?: boolean
  response_format?: ResponseFormat | null
}

/** The body of a run create (CreateRunRequest) plus `include` (sent as the `include[]` query). */
export type CreateRunParams = RunParamsBase & {
  reasoning_effort?: ReasoningEffort
  additional_instructions?: string | null
  additional_messages?: CreateMessageParams[] | null
  include?: RunStepInclude[]
}

/** The body of a thread-and-run create (CreateThreadAndRunRequest). */
export type CreateThreadAndRunParams = RunParamsBase & {
  thread?: CreateThreadParams
  tool_resources?: ToolResources | null
}

/** One tool output to submit. */
export type ToolOutput = { tool_call_id: string; output: string }

/** One answer to a `submit_tool_approval` call (Azure AI Agents' `ToolApproval`). */
export type ToolApproval = {
  tool_call_id: string
  approve: boolean
  /** Headers the host attaches to the approved call (e.g. for an MCP server). */
  headers?: Record<string, string>
}

/**
 * The body of a tool-output submit (SubmitToolOutputsRunRequest). A run waiting on `submit_tool_approval` is
 * answered on the same endpoint with `tool_approvals` instead (Azure AI Agents; OpenAI rejects the field).
 */
export type SubmitToolOutputsParams =
  | { tool_outputs: ToolOutput[]; tool_approvals?: ToolApproval[]; stream?: boolean | null }
  | { tool_outputs?: ToolOutput[]; tool_approvals: ToolApproval[]; stream?: boolean | null }

/** The body of a run update (ModifyRunRequest). */
export type UpdateRunParams = { metadata?: Metadata }

/** Cursor pagination query of list operations. */
export type ListParams = { limit?: number; order?: 'asc' | 'desc'; after?: string; before?: string }
