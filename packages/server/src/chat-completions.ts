// A RunModel for any Chat Completions endpoint (OpenAI, Azure OpenAI, vLLM, Ollama, LM Studio, …): a run becomes
// one streamed `POST {baseURL}/chat/completions` per turn, and the streamed chunks become ModelOutputs.
import type { ModelContext, ModelOutput, ModelTurn, RunModel } from './model.ts'
import { createRedactor } from './redact.ts'
import { readSseEvents, SseEventTooLargeError } from './sse-parser.ts'
import type { FileSearchResult, MessageObject, RunErrorCode, Tool } from './types.ts'

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

/** A failure that becomes the run's `last_error`. */
class ModelError extends Error {
  constructor(
    readonly code: RunErrorCode,
    message: string,
  ) {
    super(message)
  }
}

const hostedToolParameters = {
  code_interpreter: {
    description: 'Runs Python code and returns its output (stdout, stderr).',
    parameters: {
      type: 'object',
      properties: { code: { type: 'string', description: 'The Python code to run.' } },
      required: ['code'],
    },
  },
  file_search: {
    description: "Searches the user's uploaded files and returns the passages that match the query.",
    parameters: {
      type: 'object',
      properties: { query: { type: 'string', description: 'What to search for.' } },
      required: ['query'],
    },
  },
} as const

type HostedName = keyof typeof hostedToolParameters
const isHosted = (name: string): name is HostedName => name === 'code_interpreter' || name === 'file_search'

function textOf(message: MessageObject): string {
  return message.content
    .map((part) => (part.type === 'text' ? part.text.value : part.type === 'refusal' ? part.refusal : ''))
    .join('\n')
}

/** A thread message as a chat message: user parts keep their images (URLs); assistant messages are text. */
function chatMessage(message: MessageObject): ChatMessage {
  if (message.role === 'assistant') {
    return { role: 'assistant', content: textOf(message) }
  }
  const parts: ChatContentPart[] = []
  for (const part of message.content) {
    if (part.type === 'text') {
      parts.push({ type: 'text', text: part.text.value })
    } else if (part.type === 'image_url') {
      parts.push({
        type: 'image_url',
        image_url: {
          url: part.image_url.url,
          ...(part.image_url.detail ? { detail: part.image_url.detail } : {}),
        },
      })
    } else if (part.type === 'image_file') {
      // Files are not served by this server; say so rather than drop the part silently.
      parts.push({ type: 'text', text: `[image file ${part.image_file.file_id}]` })
    }
  }
  const onlyText = parts.every((part) => part.type === 'text')
  return {
    role: 'user',
    content: onlyText ? parts.map((part) => (part as { text: string }).text).join('\n') : parts,
  }
}

/** The history of the run (earlier turns) as chat messages: assistant text, tool calls and tool results. */
function historyMessages(history: ModelTurn[]): ChatMessage[] {
  const messages: ChatMessage[] = []
  const call = (id: string, name: string, args: string): ChatToolCall => ({
    id,
    type: 'function',
    function: { name, arguments: args },
  })
  for (const turn of history) {
    if (turn.type === 'text') {
      messages.push({ role: 'assistant', content: turn.text })
    } else if (turn.type === 'function_calls') {
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: turn.calls.map((item) => call(item.tool_call_id, item.name, item.arguments)),
      })
      for (const item of turn.calls) {
        messages.push({ role: 'tool', tool_call_id: item.tool_call_id, content: item.output })
      }
    } else if (turn.type === 'code_interpreter') {
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: [call(turn.id, 'code_interpreter', JSON.stringify({ code: turn.input }))],
      })
      messages.push({ role: 'tool', tool_call_id: turn.id, content: turn.logs })
    } else {
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: [call(turn.id, 'file_search', '{}')],
      })
      messages.push({ role: 'tool', tool_call_id: turn.id, content: searchResultsText(turn.results) })
    }
  }
  return messages
}

function searchResultsText(results: FileSearchResult[]): string {
  return JSON.stringify(
    results.map((result) => ({
      file_id: result.file_id,
      file_name: result.file_name,
      score: result.score,
      text: result.content?.map((part) => part.text).join('\n') ?? '',
    })),
  )
}

/** The hosted tools a run asks for that no implementation was plugged in for. */
function missingHostedTools(tools: Tool[], hosted: HostedTools): HostedName[] {
  const missing = new Set<HostedName>()
  for (const tool of tools) {
    if ((tool.type === 'code_interpreter' || tool.type === 'file_search') && !hosted[tool.type]) {
      missing.add(tool.type)
    }
  }
  return [...missing]
}

/** Turns the run's `tool_choice` into the Chat Completions one (`undefined`: leave it out). */
function chatToolChoice(choice: unknown, hosted: HostedTools): unknown {
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    return choice
  }
  if (choice && typeof choice === 'object') {
    const typed = choice as { type?: string; function?: { name?: string } }
    if (typed.type === 'function' && typed.function?.name) {
      return { type: 'function', function: { name: typed.function.name } }
    }
    if ((typed.type === 'code_interpreter' || typed.type === 'file_search') && hosted[typed.type]) {
      return { type: 'function', function: { name: typed.type } }
    }
  }
  return undefined
}

/** Builds the Chat Completions request body of one turn of a run. */
export function buildChatRequest(
  context: ModelContext,
  upstreamModel: string,
  hosted: HostedTools = {},
  extraHistory: ChatMessage[] = [],
): Record<string, unknown> {
  const { run } = context
  const messages: ChatMessage[] = []
  if (run.instructions.trim() !== '') {
    // `run.instructions` already holds the assistant's (or the run's) instructions + `additional_instructions`.
    messages.push({ role: 'system', content: run.instructions })
  }
  for (const message of context.messages) {
    if (message.run_id !== run.id) {
      messages.push(chatMessage(message))
    }
  }
  messages.push(...historyMessages(context.history), ...extraHistory)

  const tools: unknown[] = []
  for (const tool of run.tools) {
    if (tool.type === 'function') {
      const { name, description, parameters, strict } = tool.function
      tools.push({
        type: 'function',
        function: {
          name,
          ...(description !== undefined ? { description } : {}),
          ...(parameters !== undefined ? { parameters } : {}),
          ...(strict !== undefined && strict !== null ? { strict } : {}),
        },
      })
    } else if (hosted[tool.type]) {
      tools.push({ type: 'function', function: { name: tool.type, ...hostedToolParameters[tool.type] } })
    }
  }
  const body: Record<string, unknown> = {
    model: upstreamModel,
    messages,
    stream: true,
    stream_options: { include_usage: true },
  }
  if (tools.length > 0) {
    body.tools = tools
    const choice = chatToolChoice(run.tool_choice, hosted)
    if (choice !== undefined) {
      body.tool_choice = choice
    }
    body.parallel_tool_calls = run.parallel_tool_calls
  }
  const format = run.response_format as { type?: string } | string | null
  if (format && typeof format === 'object' && format.type) {
    body.response_format = format
  }
  if (run.temperature !== null) {
    body.temperature = run.temperature
  }
  if (run.top_p !== null) {
    body.top_p = run.top_p
  }
  if (run.max_completion_tokens !== null) {
    // The limit is for the whole run, across turns: ask for what is left of it.
    const used = run.usage?.completion_tokens ?? 0
    body.max_completion_tokens = Math.max(1, run.max_completion_tokens - used)
  }
  return body
}

/** One assembled tool call of a streamed completion. */
interface AssembledCall {
  id: string
  name: string
  arguments: string
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string }
    const message =
      typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message)
    if (message) {
      return message
    }
  } catch {
    // not JSON
  }
  return text.slice(0, 500) || response.statusText
}

/** What one streamed completion produced, after its text was yielded. */
interface TurnEnd {
  finishReason: string
  calls: AssembledCall[]
  usage: { prompt_tokens: number; completion_tokens: number } | null
}

/**
 * Creates a {@link RunModel} that answers runs with a Chat Completions endpoint: the run's instructions, the thread's
 * messages (as `truncation_strategy` cut them), its function tools, `tool_choice`, `response_format`,
 * `temperature`/`top_p`, `parallel_tool_calls` and token limit become one streamed request per turn; text deltas,
 * tool calls (assembled across chunks), usage, `length` (→ `incomplete`) and upstream errors (429 →
 * `rate_limit_exceeded`, else `server_error`) come back as outputs. The request aborts when the run is cancelled or
 * expires.
 * @example
 * const model = createChatCompletionsModel({ baseURL: 'https://api.openai.com/v1', apiKey, model: 'gpt-4o-mini' })
 * const server = createRunsServer({ model })
 */
export function createChatCompletionsModel(options: ChatCompletionsModelOptions): RunModel {
  const baseURL = options.baseURL.replace(/\/+$/, '')
  const hosted = options.tools ?? {}
  const maxRounds = options.maxHostedToolRounds ?? 8
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init))
  // Upstream error texts become the run's last_error, which every API client reads: never with the key in them.
  const redactor = createRedactor([options.apiKey])

  function upstreamModel(runModel: string): string {
    if (options.model) {
      return options.model
    }
    const map = options.modelMap
    const mapped = typeof map === 'function' ? map(runModel) : map?.[runModel]
    return mapped ?? runModel
  }

  function headers(): Record<string, string> {
    const result: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...options.headers,
    }
    if (options.apiKey) {
      if (options.authHeader === 'api-key') {
        result['api-key'] = options.apiKey
      } else {
        result.authorization = `Bearer ${options.apiKey}`
      }
    }
    return result
  }

  /** Streams one completion: yields text as it comes, returns how it ended. */
  async function* complete(
    body: Record<string, unknown>,
    signal: AbortSignal,
  ): AsyncGenerator<ModelOutput, TurnEnd> {
    let response: Response
    try {
      response = await doFetch(`${baseURL}/chat/completions`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify(body),
        signal,
      })
    } catch (error) {
      if (signal.aborted) {
        throw error
      }
      throw new ModelError('server_error', `The model endpoint could not be reached: ${describe(error)}`)
    }
    if (!response.ok) {
      const message = await errorMessage(response)
      throw new ModelError(
        response.status === 429 ? 'rate_limit_exceeded' : 'server_error',
        `The model endpoint answered ${response.status}: ${message}`,
      )
    }
    if (!response.body) {
      throw new ModelError('server_error', 'The model endpoint answered without a body.')
    }
    const calls = new Map<number, AssembledCall>()
    let finishReason: string | null = null
    let usage: TurnEnd['usage'] = null
    let sawDone = false
    try {
      for await (const { data } of readSseEvents(response.body, {
        signal,
        ...(options.maxEventSize !== undefined ? { maxEventSize: options.maxEventSize } : {}),
      })) {
        if (data === '') {
          continue // a keep-alive `data:` line with nothing in it
        }
        if (data === '[DONE]') {
          sawDone = true
          break
        }
        let chunk: {
          error?: { message?: string; code?: string | null; type?: string }
          choices?: {
            delta?: {
              content?: string | null
              refusal?: string | null
              tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[]
            }
            finish_reason?: string | null
          }[]
          usage?: { prompt_tokens?: number; completion_tokens?: number } | null
        }
        try {
          chunk = JSON.parse(data)
        } catch {
          throw new ModelError(
            'server_error',
            `The model stream sent a chunk that is not JSON: ${data.slice(0, 200)}`,
          )
        }
        if (chunk.error) {
          const rateLimited =
            chunk.error.code === 'rate_limit_exceeded' || chunk.error.type === 'rate_limit_error'
          throw new ModelError(
            rateLimited ? 'rate_limit_exceeded' : 'server_error',
            `The model stream failed: ${chunk.error.message ?? 'unknown error'}`,
          )
        }
        if (chunk.usage) {
          usage = {
            prompt_tokens: chunk.usage.prompt_tokens ?? 0,
            completion_tokens: chunk.usage.completion_tokens ?? 0,
          }
        }
        const choice = chunk.choices?.[0]
        if (!choice) {
          continue
        }
        const delta = choice.delta ?? {}
        const text = (delta.content ?? '') + (delta.refusal ?? '')
        if (text !== '') {
          yield { type: 'text', text }
        }
        for (const piece of delta.tool_calls ?? []) {
          const call = calls.get(piece.index) ?? { id: '', name: '', arguments: '' }
          call.id ||= piece.id ?? ''
          call.name += piece.function?.name ?? ''
          call.arguments += piece.function?.arguments ?? ''
          calls.set(piece.index, call)
        }
        if (choice.finish_reason) {
          finishReason = choice.finish_reason
        }
      }
    } catch (error) {
      if (error instanceof ModelError || signal.aborted) {
        throw error
      }
      if (error instanceof SseEventTooLargeError) {
        throw new ModelError(
          'server_error',
          `The model stream sent an event larger than ${error.limit} characters; raise maxEventSize in createChatCompletionsModel() if its chunks really are that large.`,
        )
      }
      throw new ModelError('server_error', `The model stream broke off: ${describe(error)}`)
    }
    if (finishReason === null) {
      throw new ModelError(
        'server_error',
        sawDone
          ? 'The model stream ended without a finish_reason.'
          : 'The model stream was cut before the completion finished.',
      )
    }
    const ordered = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call)
    return { finishReason, calls: ordered, usage }
  }

  async function* answer(context: ModelContext): AsyncGenerator<ModelOutput> {
    const missing = missingHostedTools(context.run.tools, hosted)
    if (missing.length > 0) {
      yield {
        type: 'error',
        code: 'invalid_prompt',
        message:
          `This server has no ${missing.join(' or ')} implementation: the run uses the ${missing.join(' and ')} ` +
          `tool${missing.length > 1 ? 's' : ''}, which a Chat Completions model cannot run by itself. Remove ` +
          'the tool from the assistant or the run, or plug one in (createChatCompletionsModel({ tools })).',
      }
      return
    }
    const functionNames = new Set(
      context.run.tools.flatMap((tool) => (tool.type === 'function' ? [tool.function.name] : [])),
    )
    // This generator's own abort: the run's signal, or the engine stopping early (return() → finally).
    const abort = new AbortController()
    const onRunAbort = () => abort.abort()
    context.signal.addEventListener('abort', onRunAbort, { once: true })
    if (context.signal.aborted) {
      abort.abort()
    }
    const usage = { prompt_tokens: 0, completion_tokens: 0 }
    const extra: ChatMessage[] = []
    try {
      for (let round = 0; ; round++) {
        const body = buildChatRequest(context, upstreamModel(context.run.model), hosted, extra)
        const end: TurnEnd = yield* complete(body, abort.signal)
        usage.prompt_tokens += end.usage?.prompt_tokens ?? 0
        usage.completion_tokens += end.usage?.completion_tokens ?? 0
        let calls = end.calls.filter((call) => call.name !== '')
        if (calls.length === 0) {
          if (end.usage) {
            yield { type: 'usage', ...usage }
          }
          if (end.finishReason === 'length') {
            yield { type: 'incomplete', reason: 'max_completion_tokens' }
          } else if (end.finishReason === 'content_filter') {
            yield {
              type: 'error',
              code: 'server_error',
              message: "The model's content filter stopped the answer.",
            }
          }
          return
        }
        if (!context.run.parallel_tool_calls) {
          calls = calls.slice(0, 1)
        }
        const unknown = calls.find((call) => !isHosted(call.name) && !functionNames.has(call.name))
        if (unknown) {
          yield {
            type: 'error',
            code: 'server_error',
            message: `The model called a function the run does not have: '${unknown.name}'.`,
          }
          return
        }
        const hostedCalls = calls.filter((call) => isHosted(call.name))
        const functionCalls = calls.filter((call) => !isHosted(call.name))
        for (const call of hostedCalls) {
          const id = call.id || `call_hosted_${round}_${extra.length}`
          const args = parseArguments(call.arguments)
          let result: string
          if (call.name === 'code_interpreter') {
            const code = String(args.code ?? '')
            const { logs } = await hosted.code_interpreter!.run({ code, context, signal: abort.signal })
            yield { type: 'code_interpreter', input: code, logs }
            result = logs
          } else {
            const query = String(args.query ?? '')
            const fileSearch = context.run.tools.find((tool) => tool.type === 'file_search')
            const maxResults =
              (fileSearch?.type === 'file_search' ? fileSearch.file_search?.max_num_results : undefined) ?? 20
            const results = await hosted.file_search!.search({
              query,
              maxResults,
              context,
              signal: abort.signal,
            })
            yield { type: 'file_search', results }
            result = searchResultsText(results)
          }
          extra.push(
            { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: call }] },
            { role: 'tool', tool_call_id: id, content: result },
          )
        }
        if (functionCalls.length > 0) {
          if (end.usage) {
            yield { type: 'usage', ...usage }
          }
          yield {
            type: 'function_calls',
            calls: functionCalls.map((call) => ({ name: call.name, arguments: call.arguments || '{}' })),
          }
          return
        }
        if (round + 1 >= maxRounds) {
          yield {
            type: 'error',
            code: 'server_error',
            message: `The model kept calling hosted tools for ${maxRounds} rounds without answering.`,
          }
          return
        }
      }
    } catch (error) {
      if (abort.signal.aborted) {
        return // cancelled or expired: the engine settles the run
      }
      if (error instanceof ModelError) {
        yield { type: 'error', code: error.code, message: redactor.text(error.message) }
        return
      }
      yield {
        type: 'error',
        code: 'server_error',
        message: redactor.text(`The model adapter failed: ${describe(error)}`),
      }
    } finally {
      context.signal.removeEventListener('abort', onRunAbort)
      abort.abort()
    }
  }

  return (context) => answer(context)
}

function parseArguments(text: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(text || '{}') as unknown
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
