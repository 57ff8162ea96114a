// The Chat Completions adapter's public types: its options, the hosted tools an operator plugs in, its chat messages.
import type { ModelContext } from '../model.ts'
import type { FileSearchResult } from '../types.ts'

/** A code interpreter the operator plugs in: runs code the model wrote and returns its logs. */
export interface CodeInterpreter {
  /** Runs `code`; `signal` aborts when the run is cancelled or expires. */
  run(input: { code: string; context: ModelContext; signal: AbortSignal }): Promise<{ logs: string }>
}

/** A file search the operator plugs in: searches the thread's or assistant's files for a query. */
export interface FileSearch {
  /** Returns up to `maxResults` results, best first. Put the matched text in `content`. */
  search(input: {
    query: string
    maxResults: number
    context: ModelContext
    signal: AbortSignal
  }): Promise<FileSearchResult[]>
}

/** Implementations of the hosted tools (`code_interpreter`, `file_search`); a run that needs a missing one fails. */
export interface HostedTools {
  code_interpreter?: CodeInterpreter
  file_search?: FileSearch
}

/** Options of {@link createChatCompletionsModel}. */
export interface ChatCompletionsModelOptions {
  /** The API base, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1`; `/chat/completions` is appended. */
  baseURL: string
  /** Sent as `Authorization: Bearer KEY` (or in `authHeader`). Omit for local servers without auth. */
  apiKey?: string
  /** Header that carries the key: `authorization` (Bearer) or Azure's `api-key`. @defaultValue 'authorization' */
  authHeader?: 'authorization' | 'api-key'
  /** The upstream model for every run (wins over `modelMap` and the run's own `model`). */
  model?: string
  /** Maps a run's `model` to an upstream model (an object, or a function); unmapped names pass through. */
  modelMap?: Record<string, string> | ((runModel: string) => string | undefined)
  /** The fetch to call the endpoint with (a test server's fetch in tests). @defaultValue globalThis.fetch */
  fetch?: (input: string, init: RequestInit) => Promise<Response>
  /** Extra request headers (e.g. `OpenAI-Organization`). */
  headers?: Record<string, string>
  /** Implementations of `code_interpreter` / `file_search`; without them, runs that use these tools fail. */
  tools?: HostedTools
  /** Upstream turns a run may take to answer its hosted tools before it fails. @defaultValue 8 */
  maxHostedToolRounds?: number
  /** Largest streamed event (one chunk), in characters; a bigger one fails the run. @defaultValue 1 MiB */
  maxEventSize?: number
}

/** One message of a Chat Completions request, as the adapter writes them. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string }

/** A part of a user message's content. */
export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } }

/** A tool call of an assistant message. */
export interface ChatToolCall {
  id: string
  type: 'function'
  function: { name: string; arguments: string }
}
