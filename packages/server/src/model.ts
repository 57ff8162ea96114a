import type {
  AssistantObject,
  FileSearchResult,
  MessageObject,
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

/** What a model sees when a run (or a run's continuation after tool outputs) starts. */
export interface ModelContext {
  assistant: AssistantObject
  thread: ThreadObject
  run: RunObject
  /** The thread's messages the run may see (after `truncation_strategy`), oldest first. */
  messages: MessageObject[]
  /** Outputs submitted since the model last stopped for function calls; empty on the first turn. */
  toolOutputs: SubmittedToolOutput[]
  /** Aborted when the run is cancelled, expires or the server closes. */
  signal: AbortSignal
}

/** One thing a model does; the run engine turns each into run steps, messages and stream events. */
export type ModelOutput =
  /** A piece of assistant text (one token). Opens a message-creation step on the first piece. */
  | { type: 'text'; text: string; annotation?: { type: 'file_citation' | 'file_path'; file_id: string } }
  /** Function calls: the run goes to `requires_action` and the model's turn ends. */
  | { type: 'function_calls'; calls: { name: string; arguments: string }[] }
  /** A code-interpreter tool call, with its input and logs. */
  | { type: 'code_interpreter'; input: string; logs: string }
  /** A file-search tool call with its results. */
  | { type: 'file_search'; results: FileSearchResult[] }
  /** The run fails with this `last_error`. */
  | { type: 'error'; code: RunErrorCode; message: string }

/**
 * A model: a function that yields what the run does. The default is the deterministic scripted model; a
 * real-model adapter implements the same signature.
 */
export type RunModel = (context: ModelContext) => AsyncIterable<ModelOutput>
