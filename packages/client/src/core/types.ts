// Wire types of the Assistants Runs API, hand-written from OpenAI's OpenAPI spec (its Runs part is kept in
// packages/server/spec/runs-api.schema.json). Field names stay snake_case as on the wire. Response types are
// lenient where real servers deviate from the schema (fields they omit are optional); request types follow
// the schema strictly.

// SHARED

/** A string-to-string map of at most 16 pairs (keys ≤ 64 chars, values ≤ 512 chars), or null. */
export type Metadata = Record<string, string> | null

/** The `{ code, message, param, type }` object of an error response or an `event: error` frame. */
export type ErrorObject = { code: string | null; message: string; param: string | null; type: string }

/** The body of a JSON error response. */
export type ErrorResponse = { error: ErrorObject }

/** A page of a cursor-paginated list (`first_id`/`last_id` are null on empty pages of some servers). */
export type ListResponse<T> = {
  object: 'list'
  data: T[]
  first_id: string | null
  last_id: string | null
  has_more: boolean
}

/** Token counts of a run or step (null until it is terminal). */
export type Usage = { completion_tokens: number; prompt_tokens: number; total_tokens: number }

// TOOLS AND OPTIONS

/** A function definition as declared on an assistant or run. */
export type FunctionDefinition = {
  name: string
  description?: string
  parameters?: Record<string, unknown>
  strict?: boolean | null
}

/** The code interpreter tool. */
export type CodeInterpreterTool = { type: 'code_interpreter' }

/** The file search tool with its optional ranking settings. */
export type FileSearchTool = {
  type: 'file_search'
  file_search?: {
    max_num_results?: number
    ranking_options?: { ranker?: 'auto' | 'default_2024_08_21'; score_threshold: number }
  }
}

/** A function tool. */
export type FunctionTool = { type: 'function'; function: FunctionDefinition }

/** Any tool an assistant or run can use. */
export type AssistantTool = CodeInterpreterTool | FileSearchTool | FunctionTool

/** How the thread is truncated before a run. */
export type TruncationStrategy = { type: 'auto' | 'last_messages'; last_messages?: number | null }

/** Which tool (if any) the model must call. */
export type ToolChoice =
  | 'none'
  | 'auto'
  | 'required'
  | { type: 'function' | 'code_interpreter' | 'file_search'; function?: { name: string } }

/** The output format the model must produce. */
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

/** Files made available to tools of a thread or assistant. */
export type ToolResources = {
  code_interpreter?: { file_ids?: string[] }
  file_search?: { vector_store_ids?: string[] }
}

/** The reasoning effort hint for reasoning models. */
export type ReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max' | null

// RUN

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

/** The function calls a run waits on for outputs; empty unless `required_action` is `submit_tool_outputs`. */
export function requiredToolCalls(run: Pick<Run, 'required_action'> | null | undefined): RunToolCall[] {
  const action = run?.required_action
  const calls = action?.type === 'submit_tool_outputs' ? action.submit_tool_outputs?.tool_calls : undefined
  return Array.isArray(calls) ? calls : []
}

/** The calls a run waits on for approval; empty unless `required_action` is `submit_tool_approval`. */
export function requiredApprovals(run: Pick<Run, 'required_action'> | null | undefined): ApprovalToolCall[] {
  const action = run?.required_action
  if (action?.type !== 'submit_tool_approval') {
    return []
  }
  const details = (action as SubmitToolApprovalAction).submit_tool_approval
  return Array.isArray(details?.tool_calls) ? details.tool_calls : []
}

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

/** Run statuses after which the run never changes again. */
export const TERMINAL_RUN_STATUSES = ['completed', 'failed', 'cancelled', 'expired', 'incomplete'] as const

/** A run status after which the run never changes again. */
export type TerminalRunStatus = (typeof TERMINAL_RUN_STATUSES)[number]

/** True when the status is terminal (unknown statuses are not terminal, checklist C7). */
export function isTerminalRunStatus(status: string): status is TerminalRunStatus {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status)
}

/** True when the run still holds the thread (`queued`, `in_progress`, `requires_action`, `cancelling`). */
export function isActiveRunStatus(status: string): boolean {
  return (
    status === 'queued' || status === 'in_progress' || status === 'requires_action' || status === 'cancelling'
  )
}

// RUN STEP

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

const KNOWN_TOOL_CALL_TYPES: ReadonlySet<string> = new Set(['code_interpreter', 'file_search', 'function'])

/** True when the call is a `function`, `code_interpreter` or `file_search` call (then `type` narrows it). */
export function isKnownToolCall(call: ToolCall): call is KnownToolCall {
  return KNOWN_TOOL_CALL_TYPES.has(call.type)
}

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

// MESSAGE

/** An annotation citing a file inside a text part. */
export type FileCitationAnnotation = {
  type: 'file_citation'
  text: string
  file_citation: { file_id: string; quote?: string }
  start_index: number
  end_index: number
}

/** An annotation pointing to a generated file inside a text part. */
export type FilePathAnnotation = {
  type: 'file_path'
  text: string
  file_path: { file_id: string }
  start_index: number
  end_index: number
}

/** Any annotation of a text part. */
export type Annotation = FileCitationAnnotation | FilePathAnnotation

/** Image detail level. */
export type ImageDetail = 'auto' | 'low' | 'high'

/** A text content part. */
export type TextContent = { type: 'text'; text: { value: string; annotations: Annotation[] } }

/** An uploaded-image content part. */
export type ImageFileContent = { type: 'image_file'; image_file: { file_id: string; detail?: ImageDetail } }

/** An image URL content part. */
export type ImageUrlContent = { type: 'image_url'; image_url: { url: string; detail?: ImageDetail } }

/** A refusal content part. */
export type RefusalContent = { type: 'refusal'; refusal: string }

/** Any content part of a message. */
export type MessageContent = TextContent | ImageFileContent | ImageUrlContent | RefusalContent

/** A message of a thread (`object: "thread.message"`). */
export type Message = {
  id: string
  object: 'thread.message'
  created_at: number
  thread_id: string
  status: 'in_progress' | 'incomplete' | 'completed'
  incomplete_details: {
    reason: 'content_filter' | 'max_tokens' | 'run_cancelled' | 'run_expired' | 'run_failed'
  } | null
  completed_at: number | null
  incomplete_at: number | null
  role: 'user' | 'assistant'
  content: MessageContent[]
  assistant_id: string | null
  run_id: string | null
  attachments: MessageAttachment[] | null
  metadata?: Metadata
}

/** A file attached to a message, with the tools that may read it. */
export type MessageAttachment = {
  file_id: string
  tools: Array<{ type: 'code_interpreter' } | { type: 'file_search' }>
}

// THREAD, ASSISTANT

/** A thread (`object: "thread"`). */
export type Thread = {
  id: string
  object: 'thread'
  created_at: number
  tool_resources?: ToolResources | null
  metadata?: Metadata
}

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

// DELTAS

/** A partial annotation, merged into `text.annotations[index]`. */
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

/** A partial content part, merged into `content[index]`. */
export type MessageContentDelta =
  | { index: number; type: 'text'; text?: { value?: string; annotations?: AnnotationDelta[] } }
  | { index: number; type: 'image_file'; image_file?: { file_id?: string; detail?: ImageDetail } }
  | { index: number; type: 'image_url'; image_url?: { url?: string; detail?: ImageDetail } }
  | { index: number; type: 'refusal'; refusal?: string }

/** The payload of `thread.message.delta` (`id` is the message id). */
export type MessageDelta = {
  id: string
  object: 'thread.message.delta'
  delta: { role?: 'user' | 'assistant'; content?: MessageContentDelta[] }
}

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

// REQUEST PARAMS

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

// STREAM EVENTS

/** Names of the events whose data is a full Run. */
export type RunEventName =
  | 'thread.run.created'
  | 'thread.run.queued'
  | 'thread.run.in_progress'
  | 'thread.run.requires_action'
  | 'thread.run.completed'
  | 'thread.run.incomplete'
  | 'thread.run.failed'
  | 'thread.run.cancelling'
  | 'thread.run.cancelled'
  | 'thread.run.expired'

/** Names of the events whose data is a full RunStep. */
export type RunStepEventName =
  | 'thread.run.step.created'
  | 'thread.run.step.in_progress'
  | 'thread.run.step.completed'
  | 'thread.run.step.failed'
  | 'thread.run.step.cancelled'
  | 'thread.run.step.expired'

/** Names of the events whose data is a full Message. */
export type MessageEventName =
  | 'thread.message.created'
  | 'thread.message.in_progress'
  | 'thread.message.completed'
  | 'thread.message.incomplete'

/** A known event of a run stream: the 23 `thread.*` events plus `error` and `done`. */
export type RunStreamEvent =
  | { event: 'thread.created'; data: Thread }
  | { [E in RunEventName]: { event: E; data: Run } }[RunEventName]
  | { [E in RunStepEventName]: { event: E; data: RunStep } }[RunStepEventName]
  | { event: 'thread.run.step.delta'; data: RunStepDelta }
  | { [E in MessageEventName]: { event: E; data: Message } }[MessageEventName]
  | { event: 'thread.message.delta'; data: MessageDelta }
  | { event: 'error'; data: ErrorObject }
  | { event: 'done'; data: '[DONE]' }

/** The name of a known run stream event. */
export type RunStreamEventName = RunStreamEvent['event']

/** An event this library does not know (servers may add events); passed through, never thrown. */
export type UnknownStreamEvent = { event: string; data: unknown; unknown: true }

/** Every event name of RunStreamEvent, for runtime checks. */
export const RUN_STREAM_EVENT_NAMES: ReadonlySet<string> = new Set<RunStreamEventName>([
  'thread.created',
  'thread.run.created',
  'thread.run.queued',
  'thread.run.in_progress',
  'thread.run.requires_action',
  'thread.run.completed',
  'thread.run.incomplete',
  'thread.run.failed',
  'thread.run.cancelling',
  'thread.run.cancelled',
  'thread.run.expired',
  'thread.run.step.created',
  'thread.run.step.in_progress',
  'thread.run.step.delta',
  'thread.run.step.completed',
  'thread.run.step.failed',
  'thread.run.step.cancelled',
  'thread.run.step.expired',
  'thread.message.created',
  'thread.message.in_progress',
  'thread.message.delta',
  'thread.message.completed',
  'thread.message.incomplete',
  'error',
  'done',
])

/** True when the event is one of RunStreamEvent (not an UnknownStreamEvent). */
export function isKnownStreamEvent(event: RunStreamEvent | UnknownStreamEvent): event is RunStreamEvent {
  return !('unknown' in event) && RUN_STREAM_EVENT_NAMES.has(event.event)
}
