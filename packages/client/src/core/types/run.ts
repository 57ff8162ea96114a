// Wire types of a run: its status, the action it requires (tool outputs or approvals) and the run object.
import type {
  AssistantTool,
  ResponseFormat,
  ToolChoice,
  ToolResources,
  TruncationStrategy,
} from './options.ts'
import type { Metadata, Usage } from './shared.ts'

/** Every run status of the spec; unknown future statuses may still arrive on the wire (checklist C7). */
export type RunStatus =
  | 'queued'
  | 'in_progress'
  | 'requires_action'
  | 'cancelling'
  | 'cancelled'
  | 'failed'
  | 'completed'
  | 'incomplete'
  | 'expired'

/** A function call the run waits on in `requires_action`. */
export type RunToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } }

/**
 * A call another host asks the caller to approve (`submit_tool_approval`): a function call, or a hosted call such as
 * Azure AI Agents' `{ id, type: 'mcp', name, arguments, server_label }`; other fields pass through untouched.
 */
export type ApprovalToolCall = RunToolCall | { id: string; type: string; [key: string]: unknown }

/** The OpenAI action: outputs for these function calls (answered with `tool_outputs`). */
export type SubmitToolOutputsAction = {
  type: 'submit_tool_outputs'
  submit_tool_outputs: { tool_calls: RunToolCall[] }
}

/**
 * Azure AI Agents' action: approve or reject each of these calls before the host runs them (answered with
 * `tool_approvals` on the same `submit_tool_outputs` endpoint). Not part of OpenAI's API.
 */
export type SubmitToolApprovalAction = {
  type: 'submit_tool_approval'
  submit_tool_approval: { tool_calls: ApprovalToolCall[] }
  submit_tool_outputs?: never
}

/** A `required_action` of a type this library does not know; kept as it came, never dropped. */
export type UnknownRequiredAction = { type: string; submit_tool_outputs?: never; [key: string]: unknown }

/** What a run in `requires_action` needs from the caller; check `type` (or use `requiredToolCalls`). */
export type RequiredAction = SubmitToolOutputsAction | SubmitToolApprovalAction | UnknownRequiredAction

/** A run (`object: "thread.run"`), lenient about fields compatible servers omit. */
export type Run = {
  id: string
  object: 'thread.run'
  created_at: number
  thread_id: string
  assistant_id: string
  status: RunStatus
  required_action: RequiredAction | null
  last_error: { code: 'server_error' | 'rate_limit_exceeded' | 'invalid_prompt'; message: string } | null
  expires_at: number | null
  started_at: number | null
  cancelled_at: number | null
  failed_at: number | null
  completed_at: number | null
  incomplete_details: { reason?: 'max_completion_tokens' | 'max_prompt_tokens' } | null
  model: string
  instructions: string | null
  tools: AssistantTool[]
  metadata?: Metadata
  usage: Usage | null
  temperature?: number | null
  top_p?: number | null
  max_prompt_tokens?: number | null
  max_completion_tokens?: number | null
  truncation_strategy?: TruncationStrategy | null
  tool_choice?: ToolChoice | null
  parallel_tool_calls?: boolean
  response_format?: ResponseFormat | null
  /** Not in the schema, but returned by the spec's own createThreadAndRun examples. */
  tool_resources?: ToolResources | null
}
