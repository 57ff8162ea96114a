// The Responses adapter's public types: its options, and the input items and tools it writes (the spec's
// CreateResponse members, as far as the adapter sends them).

/** Options of {@link createResponsesModel}. */
export interface ResponsesModelOptions {
  /** The API base, e.g. `https://api.openai.com/v1`; `/responses` is appended. */
  baseURL: string
  /** Sent as `Authorization: Bearer KEY` (or in `authHeader`). Omit for endpoints without auth. */
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
  /**
   * Continue a run after tool outputs with `previous_response_id` (the upstream keeps the turn's items, hosted tool
   * calls and reasoning included) instead of resending the whole input. @defaultValue true
   */
  previousResponseId?: boolean
  /** Largest streamed event, in characters; a bigger one fails the run. @defaultValue 1 MiB */
  maxEventSize?: number
  /**
   * The text put in the message for a file citation (Assistants cited with a marker the annotation covers; the
   * Responses API gives only a position). @defaultValue `【N†FILENAME】`
   */
  citationText?: (citation: { file_id: string; filename: string; number: number }) => string
  /**
   * The file id a code-interpreter image output (a URL) is recorded with in the run step. The default takes the
   * container file id out of a `…/files/{id}/content` URL; return `undefined` to record the image as a log line.
   */
  imageFileId?: (url: string) => string | undefined
}

/** A part of an input message's content (InputTextContent, InputImageContent, InputFileContent). */
export type ResponsesContentPart =
  | { type: 'input_text'; text: string }
  | {
      type: 'input_image'
      detail: 'low' | 'high' | 'auto'
      image_url?: string
      file_id?: string
    }
  | { type: 'input_file'; file_id: string }

/** One item of a request's `input`, as the adapter writes them. */
export type ResponsesInputItem =
  | { role: 'user'; content: string | ResponsesContentPart[] }
  | { role: 'assistant'; content: string }
  | { type: 'function_call'; call_id: string; name: string; arguments: string }
  | { type: 'function_call_output'; call_id: string; output: string }

/** A tool of a request (FunctionTool, FileSearchTool, CodeInterpreterTool). */
export type ResponsesTool =
  | {
      type: 'function'
      name: string
      description?: string
      parameters: Record<string, unknown> | null
      strict: boolean
    }
  | {
      type: 'file_search'
      vector_store_ids: string[]
      max_num_results?: number
      ranking_options?: { ranker?: 'auto'; score_threshold?: number }
    }
  | { type: 'code_interpreter'; container: { type: 'auto'; file_ids?: string[] } }
