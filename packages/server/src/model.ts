import type {
  AssistantObject,
  FileSearchResult,
  MessageObject,
  RankingOptions,
  RunErrorCode,
  RunObject,
  ThreadObject,
} from './types.ts'

/** A tool output submitted for one of the model's function calls, with the call it answers. */
export interface SubmittedToolOutput {
  tool_call_id: string
  name: string
  arguments: string
  output: string
}

/** The user's answer to one call the run asked to have approved (`submit_tool_approval`), with the call. */
export interface SubmittedToolApproval {
  tool_call_id: string
  name: string
  arguments: string
  server_label: string
  approve: boolean
}

/**
 * One earlier turn of the same run, oldest first: what the model wrote and which tools it called, with results.
 * Calls of tools other hosts run (`HostedStepToolCall`) are not part of the history.
 */
export type ModelTurn =
  /** Assistant text the run wrote (a message-creation step). */
  | { type: 'text'; text: string }
  /** Function calls the run made, with the outputs submitted for them. */
  | { type: 'function_calls'; calls: SubmittedToolOutput[] }
  /** A code-interpreter call with its logs. */
  | { type: 'code_interpreter'; id: string; input: string; logs: string }
  /** A file-search call with its results. */
  | { type: 'file_search'; id: string; results: FileSearchResult[] }

/** What a model sees when a run (or a run's continuation after tool outputs) starts. */
export interface ModelContext {
  assistant: AssistantObject
  thread: ThreadObject
  run: RunObject
  /** The thread's messages the run may see (after `truncation_strategy`), oldest first. */
  messages: MessageObject[]
  /** Outputs submitted since the model last stopped for function calls; empty on the first turn. */
  toolOutputs: SubmittedToolOutput[]
  /** Approvals submitted since the model last stopped for `approval_required`; empty otherwise. */
  toolApprovals: SubmittedToolApproval[]
  /** The run's earlier turns (its steps so far), oldest first; empty on the first turn. */
  history: ModelTurn[]
  /** Aborted when the run is cancelled, expires or the server closes. */
  signal: AbortSignal
}

/** A file citation or file path on assistant text: over the text piece it comes with, or over a range of the message. */
export interface TextAnnotation {
  type: 'file_citation' | 'file_path'
  file_id: string
  /** Where the annotation starts in the message's text (default: where the piece starts). */
  start_index?: number
  /** Where it ends (default: where the piece ends). */
  end_index?: number
}

/** One thing a model does; the run engine turns each into run steps, messages and stream events. */
export type ModelOutput =
  /**
   * A piece of assistant text (one token). Opens a message-creation step on the first piece. An annotation covers the
   * piece, or, with `start_index`/`end_index`, that range of the message's text so far (then `text` may be `''`).
   */
  | { type: 'text'; text: string; annotation?: TextAnnotation }
  /**
   * Function calls: the run goes to `requires_action` and the model's turn ends. A call's `id` (the upstream call id)
   * becomes the run's tool call id; without one the engine makes one.
   */
  | { type: 'function_calls'; calls: { id?: string; name: string; arguments: string }[] }
  /**
   * A piece of code-interpreter input as the model writes it: opens a code-interpreter step on the first piece and
   * streams into it; the `code_interpreter` output that follows completes that step.
   */
  | { type: 'code_interpreter_input'; delta: string }
  /**
   * A code-interpreter tool call, with its input, logs and the file ids of the images it made (completing the step
   * that `code_interpreter_input` pieces opened, if any).
   */
  | { type: 'code_interpreter'; input: string; logs: string; images?: string[] }
  /** A file-search tool call with its results (and the ranking options it used; the default ranker otherwise). */
  | { type: 'file_search'; results: FileSearchResult[]; ranking_options?: Required<RankingOptions> }
  /**
   * Hosted MCP calls that need the user's approval: the run goes to `requires_action` with Azure AI Agents'
   * `submit_tool_approval` action and the model's turn ends; approved calls then run on the "host" (scripted).
   */
  | { type: 'approval_required'; calls: { name: string; arguments: string; server_label: string }[] }
  /**
   * A completed call of a tool another host runs: a tool_calls step with `{ id, type, [type]: details }` (the way
   * Azure AI Agents sends `bing_grounding`, `azure_ai_search`, …).
   */
  | { type: 'hosted_tool_call'; call_type: string; details: Record<string, unknown> }
  /** The run fails with this `last_error`. */
  | { type: 'error'; code: RunErrorCode; message: string }
  /** Token usage of this turn as the model counted it; replaces the engine's estimate for the run and its steps. */
  | { type: 'usage'; prompt_tokens: number; completion_tokens: number }
  /** The model stopped at a token limit: the run ends `incomplete` with this reason. */
  | { type: 'incomplete'; reason: 'max_completion_tokens' | 'max_prompt_tokens' }

/**
 * A model: a function that yields what the run does. The default is the deterministic scripted model; a
 * real-model adapter implements the same signature.
 */
export type RunModel = (context: ModelContext) => AsyncIterable<ModelOutput>
