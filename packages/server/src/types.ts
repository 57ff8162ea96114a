// Wire objects as this server stores and sends them (snake_case, as on the wire).
// Shapes follow the spec's AssistantObject, ThreadObject, MessageObject, RunObject and RunStepObject.

/** Up to 16 string pairs attached to an object. */
export type Metadata = Record<string, string> | null

/** A tool an assistant or run may use. */
export type Tool =
  | { type: 'code_interpreter' }
  | { type: 'file_search'; file_search?: { max_num_results?: number; ranking_options?: RankingOptions } }
  | {
      type: 'function'
      function: {
        name: string
        description?: string
        parameters?: Record<string, unknown>
        strict?: boolean | null
      }
    }

/** Which tool (if any) the model must call (the spec's AssistantsApiToolChoiceOption). */
export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function' | 'code_interpreter' | 'file_search'; function?: { name: string } }

/** The format the model must answer in (the spec's AssistantsApiResponseFormatOption). */
export type ResponseFormat =
  | 'auto'
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema'
      json_schema: {
        name: string
        description?: string
        schema?: Record<string, unknown>
        strict?: boolean | null
      }
    }

/** File-search ranking options. */
export interface RankingOptions {
  ranker?: 'auto' | 'default_2024_08_21'
  score_threshold: number
}

/** An assistant (`object: "assistant"`). */
export interface AssistantObject {
  id: string
  object: 'assistant'
  created_at: number
  name: string | null
  description: string | null
  model: string
  instructions: string | null
  tools: Tool[]
  tool_resources: Record<string, unknown> | null
  metadata: Metadata
  temperature: number | null
  top_p: number | null
  response_format: ResponseFormat | null
}

/** A thread (`object: "thread"`). */
export interface ThreadObject {
  id: string
  object: 'thread'
  created_at: number
  tool_resources: Record<string, unknown> | null
  metadata: Metadata
}

/** A text annotation (file citation or file path). */
export type Annotation =
  | {
      type: 'file_citation'
      text: string
      file_citation: { file_id: string }
      start_index: number
      end_index: number
    }
  | {
      type: 'file_path'
      text: string
      file_path: { file_id: string }
      start_index: number
      end_index: number
    }

/** One part of a message's content. */
export type MessageContent =
  | { type: 'text'; text: { value: string; annotations: Annotation[] } }
  | { type: 'image_file'; image_file: { file_id: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'image_url'; image_url: { url: string; detail?: 'auto' | 'low' | 'high' } }
  | { type: 'refusal'; refusal: string }

/** Why a message stopped early. */
export type MessageIncompleteReason =
  | 'content_filter'
  | 'max_tokens'
  | 'run_cancelled'
  | 'run_expired'
  | 'run_failed'

/** A message (`object: "thread.message"`). */
export interface MessageObject {
  id: string
  object: 'thread.message'
  created_at: number
  thread_id: string
  status: 'in_progress' | 'incomplete' | 'completed'
  incomplete_details: { reason: MessageIncompleteReason } | null
  completed_at: number | null
  incomplete_at: number | null
  role: 'user' | 'assistant'
  content: MessageContent[]
  assistant_id: string | null
  run_id: string | null
  attachments: { file_id: string; tools: ({ type: 'code_interpreter' } | { type: 'file_search' })[] }[] | null
  metadata: Metadata
}

/** Every status a run can have. */
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

/** A function call the run waits on. */
export interface RunToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}

/**
 * A call of a hosted MCP tool the run waits to have approved, as Azure AI Agents lists it in
 * `required_action.submit_tool_approval.tool_calls` (its `RequiredMcpToolCall`). A type, not an interface, so that
 * it fits an open `{ [key: string]: unknown }` shape such as the client's.
 */
export type ApprovalToolCall = {
  id: string
  type: 'mcp'
  name: string
  arguments: string
  server_label: string
}

/** What a run in `requires_action` waits for: OpenAI's tool outputs, or Azure AI Agents' tool approvals. */
export type RequiredAction =
  | { type: 'submit_tool_outputs'; submit_tool_outputs: { tool_calls: RunToolCall[] } }
  | { type: 'submit_tool_approval'; submit_tool_approval: { tool_calls: ApprovalToolCall[] } }

/** Token usage. */
export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

/** `last_error` codes of a run. */
export type RunErrorCode = 'server_error' | 'rate_limit_exceeded' | 'invalid_prompt'

/** A run (`object: "thread.run"`). */
export interface RunObject {
  id: string
  object: 'thread.run'
  created_at: number
  thread_id: string
  assistant_id: string
  status: RunStatus
  required_action: RequiredAction | null
  last_error: { code: RunErrorCode; message: string } | null
  expires_at: number | null
  started_at: number | null
  cancelled_at: number | null
  failed_at: number | null
  completed_at: number | null
  incomplete_details: { reason: 'max_completion_tokens' | 'max_prompt_tokens' } | null
  model: string
  instructions: string
  tools: Tool[]
  metadata: Metadata
  usage: Usage | null
  temperature: number | null
  top_p: number | null
  max_prompt_tokens: number | null
  max_completion_tokens: number | null
  truncation_strategy: { type: 'auto' | 'last_messages'; last_messages?: number | null } | null
  tool_choice: ToolChoice | null
  parallel_tool_calls: boolean
  response_format: ResponseFormat | null
}

/** A file-search result; `content` is sent only when `include[]` asks for it. */
export interface FileSearchResult {
  file_id: string
  file_name: string
  score: number
  content?: { type: 'text'; text: string }[]
}

/** A call of one of OpenAI's own tools, recorded in a run step. */
export type OpenAiStepToolCall =
  | { id: string; type: 'function'; function: { name: string; arguments: string; output: string | null } }
  | {
      id: string
      type: 'code_interpreter'
      code_interpreter: {
        input: string
        outputs: ({ type: 'logs'; logs: string } | { type: 'image'; image: { file_id: string } })[]
      }
    }
  | {
      id: string
      type: 'file_search'
      // The step's ranking options name their ranker (the spec's RunStepDetailsToolCallsFileSearchRankingOptionsObject).
      file_search: { ranking_options?: Required<RankingOptions>; results?: FileSearchResult[] }
    }

/** A tool call recorded in a run step: OpenAI's own types, or another host's (`HostedStepToolCall`). */
export type StepToolCall = OpenAiStepToolCall | HostedStepToolCall

/**
 * A call of a tool another host runs (Azure AI Agents' `mcp`, `bing_grounding`, `openapi`, …), for clients that must
 * show types they do not know. `/hosted` and `/approve` of the scripted model make them.
 */
export interface HostedStepToolCall {
  id: string
  type: string
  [key: string]: unknown
}

const openAiToolCallTypes: ReadonlySet<string> = new Set(['function', 'code_interpreter', 'file_search'])

/** True for OpenAI's own `function`, `code_interpreter` and `file_search` calls (then `type` narrows them). */
export function isOpenAiToolCall(call: StepToolCall): call is OpenAiStepToolCall {
  return openAiToolCallTypes.has(call.type)
}

/** A run step (`object: "thread.run.step"`). */
export interface RunStepObject {
  id: string
  object: 'thread.run.step'
  created_at: number
  assistant_id: string
  thread_id: string
  run_id: string
  type: 'message_creation' | 'tool_calls'
  status: 'in_progress' | 'cancelled' | 'failed' | 'completed' | 'expired'
  step_details:
    | { type: 'message_creation'; message_creation: { message_id: string } }
    | { type: 'tool_calls'; tool_calls: StepToolCall[] }
  last_error: { code: 'server_error' | 'rate_limit_exceeded'; message: string } | null
  expired_at: number | null
  cancelled_at: number | null
  failed_at: number | null
  completed_at: number | null
  metadata: Metadata
  usage: Usage | null
}

/** One server-sent event, before encoding. */
export interface StreamEvent {
  event: string
  data: unknown
}

/** A partial annotation of a `thread.message.delta`, merged into `text.annotations[index]`. */
export type AnnotationDelta =
  | {
      index: number
      type: 'file_citation'
      text?: string
      file_citation?: { file_id?: string; quote?: string }
      start_index?: number
      end_index?: number
    }
  | {
      index: number
      type: 'file_path'
      text?: string
      file_path?: { file_id?: string }
      start_index?: number
      end_index?: number
    }

/** A partial content part of a `thread.message.delta`, merged into `content[index]`. */
export type MessageContentDelta =
  | { index: number; type: 'text'; text?: { value?: string; annotations?: AnnotationDelta[] } }
  | { index: number; type: 'image_file'; image_file?: { file_id?: string; detail?: 'auto' | 'low' | 'high' } }
  | { index: number; type: 'image_url'; image_url?: { url?: string; detail?: 'auto' | 'low' | 'high' } }
  | { index: number; type: 'refusal'; refusal?: string }

/** The data of `thread.message.delta` (the spec's MessageDeltaObject; `id` is the message's). */
export interface MessageDeltaObject {
  id: string
  object: 'thread.message.delta'
  delta: { role?: 'user' | 'assistant'; content?: MessageContentDelta[] }
}

/** A partial tool call of a `thread.run.step.delta`, merged into `tool_calls[index]`. */
export type StepToolCallDelta =
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
      code_interpreter?: {
        input?: string
        outputs?: (
          | { index: number; type: 'logs'; logs?: string }
          | { index: number; type: 'image'; image?: { file_id?: string } }
        )[]
      }
    }
  | { index: number; id?: string; type: 'file_search'; file_search: Record<string, never> }
  | { index: number; id?: string; type: string; [key: string]: unknown }

/** The data of `thread.run.step.delta` (the spec's RunStepDeltaObject; `id` is the step's). */
export interface RunStepDeltaObject {
  id: string
  object: 'thread.run.step.delta'
  delta: {
    step_details?:
      | { type: 'message_creation'; message_creation?: { message_id?: string } }
      | { type: 'tool_calls'; tool_calls?: StepToolCallDelta[] }
  }
}

/** The `error` object of an error response or of an `event: error` frame (the spec's Error). */
export interface ErrorObject {
  message: string
  type: string
  param: string | null
  code: string | null
}

/** The events whose data is a whole run. */
export type RunEventName = `thread.run.${'created' | RunStatus}`

/** The events whose data is a whole run step. */
export type RunStepEventName = `thread.run.step.${'created' | RunStepObject['status']}`

/** The events whose data is a whole message. */
export type MessageEventName = `thread.message.${'created' | MessageObject['status']}`

/** Every event a run stream of this server sends, with its data. */
export type RunStreamEventObject =
  | { event: 'thread.created'; data: ThreadObject }
  | { event: RunEventName; data: RunObject }
  | { event: RunStepEventName; data: RunStepObject }
  | { event: 'thread.run.step.delta'; data: RunStepDeltaObject }
  | { event: MessageEventName; data: MessageObject }
  | { event: 'thread.message.delta'; data: MessageDeltaObject }
  | { event: 'error'; data: ErrorObject }
  | { event: 'done'; data: '[DONE]' }

// The Files and Vector Stores objects live beside their API (files/types.ts).
export type {
  FileAttributes,
  FileCounts,
  FileDeletedObject,
  FileObject,
  FilePurpose,
  StaticChunkingStrategy,
  VectorStoreDeletedObject,
  VectorStoreExpiration,
  VectorStoreFileBatchObject,
  VectorStoreFileDeletedObject,
  VectorStoreFileObject,
  VectorStoreFileRecord,
  VectorStoreObject,
  VectorStoreSearchResult,
  VectorStoreSearchResultsPage,
} from './files/types.ts'
