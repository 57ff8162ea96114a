// A Chat Completions test server, written from OpenAI's OpenAPI spec (CreateChatCompletionRequest,
// CreateChatCompletionStreamResponse, ChatCompletionMessageToolCallChunk, CompletionUsage, ErrorResponse): a fetch
// handler that validates requests the way the hosted API does (the essentials) and answers with scripted chunk
// sequences: text, tool calls split across chunks, parallel calls, a usage chunk, HTTP errors, cut and hung streams.

/** The top-level properties CreateChatCompletionRequest defines (with CreateModelResponseProperties). */
const requestProperties = new Set([
  'metadata',
  'top_logprobs',
  'temperature',
  'top_p',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  'prompt_cache_options',
  'messages',
  'model',
  'service_tier',
  'modalities',
  'verbosity',
  'reasoning_effort',
  'max_completion_tokens',
  'frequency_penalty',
  'presence_penalty',
  'web_search_options',
  'response_format',
  'audio',
  'store',
  'moderation',
  'stream',
  'stop',
  'logit_bias',
  'logprobs',
  'max_tokens',
  'n',
  'prediction',
  'seed',
  'stream_options',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'function_call',
  'functions',
])

/** A streamed chunk (`object: "chat.completion.chunk"`) before the server fills in id, created and model. */
export interface ChunkBody {
  choices: {
    index: number
    delta: {
      role?: 'assistant'
      content?: string | null
      refusal?: string | null
      tool_calls?: {
        index: number
        id?: string
        type?: 'function'
        function?: { name?: string; arguments?: string }
      }[]
    }
    finish_reason: 'stop' | 'length' | 'tool_calls' | 'content_filter' | null
  }[]
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null
}

/** What the test server answers one request with. */
export type ScriptedReply =
  | {
      kind: 'stream'
      chunks: ChunkBody[]
      /** How the stream ends: `[DONE]` (normal), cut (the connection drops), or hung until the client aborts. */
      end: 'done' | 'cut' | 'hang'
      /** Frames to send before the end, e.g. a mid-stream `{"error": …}` frame. */
      trailer?: unknown[]
    }
  | {
      kind: 'error'
      status: number
      message: string
      type: string
      code: string | null
      headers?: Record<string, string>
    }

/** One request the server received, with what it thought of it. */
export interface ReceivedRequest {
  body: Record<string, unknown>
  headers: Headers
  /** Why the request was refused (400/401/404), or null when it was valid. */
  rejected: string | null
  /** Set when the client aborted the request (or cancelled the body) before the stream ended. */
  aborted: boolean
}

/** Options of {@link createChatCompletionsTestServer}. */
export interface ChatCompletionsTestServerOptions {
  /** When set, requests must carry `Authorization: Bearer KEY`. */
  apiKey?: string
  /** Pause between chunks (a slow model), in ms. @defaultValue 0 */
  chunkDelayMs?: number
  /** Answers requests when no reply is queued. @defaultValue {@link commandReply} */
  respond?: (body: Record<string, unknown>) => ScriptedReply
}

/** A Chat Completions test server. */
export interface ChatCompletionsTestServer {
  /** A fetch function to inject into the adapter (`createChatCompletionsModel({ fetch })`). */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>
  /** Queues replies for the next requests (first in, first out), ahead of `respond`. */
  enqueue(...replies: ScriptedReply[]): void
  /** Every request received, oldest first. */
  requests: ReceivedRequest[]
  /** Changes the pause between chunks. */
  setChunkDelay(ms: number): void
}

class Invalid extends Error {
  constructor(
    message: string,
    readonly param: string | null,
    readonly code: string | null = null,
    readonly status = 400,
  ) {
    super(message)
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function checkNumber(body: Record<string, unknown>, key: string, min: number, max: number, integer = false) {
  const value = body[key]
  if (value === undefined || value === null) {
    return
  }
  if (typeof value !== 'number' || (integer && !Number.isInteger(value))) {
    throw new Invalid(
      `Invalid type for '${key}': expected ${integer ? 'an integer' : 'a decimal'}, but got ${typeof value} instead.`,
      key,
      'invalid_type',
    )
  }
  if (value < min) {
    throw new Invalid(
      `Invalid '${key}': ${integer ? 'integer' : 'decimal'} below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      key,
      integer ? 'integer_below_min_value' : 'decimal_below_min_value',
    )
  }
  if (value > max) {
    throw new Invalid(
      `Invalid '${key}': ${integer ? 'integer' : 'decimal'} above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
      key,
      integer ? 'integer_above_max_value' : 'decimal_above_max_value',
    )
  }
}

function checkContent(content: unknown, param: string, allowNull: boolean) {
  if (typeof content === 'string' || (allowNull && (content === null || content === undefined))) {
    return
  }
  if (!Array.isArray(content) || content.length === 0) {
    throw new Invalid(`Invalid '${param}': expected a string or a non-empty array of content parts.`, param)
  }
  for (const [index, part] of content.entries()) {
    const type = isObject(part) ? part.type : undefined
    if (type === 'text' && typeof (part as { text?: unknown }).text === 'string') {
      continue
    }
    if (type === 'image_url' && isObject((part as { image_url?: unknown }).image_url)) {
      continue
    }
    throw new Invalid(`Invalid '${param}[${index}]': unsupported content part.`, `${param}[${index}]`)
  }
}

/** Validates a request body against CreateChatCompletionRequest's essentials; throws an {@link Invalid}. */
function validate(body: unknown): asserts body is Record<string, unknown> {
  if (!isObject(body)) {
    throw new Invalid('We could not parse the JSON body of your request.', null)
  }
  for (const key of Object.keys(body)) {
    if (!requestProperties.has(key)) {
      throw new Invalid(`Unrecognized request argument supplied: ${key}`, null)
    }
  }
  if (typeof body.model !== 'string' || body.model === '') {
    throw new Invalid('you must provide a model parameter', null)
  }
  if (!Array.isArray(body.messages)) {
    throw new Invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter')
  }
  if (body.messages.length === 0) {
    throw new Invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    )
  }
  let open: { index: number; ids: Set<string> } | null = null
  for (const [index, message] of (body.messages as unknown[]).entries()) {
    const param = `messages[${index}]`
    if (!isObject(message)) {
      throw new Invalid(`Invalid type for '${param}': expected an object.`, param, 'invalid_type')
    }
    const role = message.role
    if (open && role !== 'tool') {
      throw new Invalid(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open.ids].join(', ')}`,
        `messages.[${open.index}].role`,
      )
    }
    switch (role) {
      case 'system':
      case 'developer':
      case 'user':
        checkContent(message.content, `${param}.content`, false)
        break
      case 'assistant': {
        const calls = message.tool_calls
        if (calls !== undefined) {
          if (!Array.isArray(calls) || calls.length === 0) {
            throw new Invalid(
              `Invalid '${param}.tool_calls': expected a non-empty array.`,
              `${param}.tool_calls`,
            )
          }
          for (const [callIndex, call] of calls.entries()) {
            const fn = isObject(call) ? call.function : undefined
            if (
              !isObject(call) ||
              typeof call.id !== 'string' ||
              call.type !== 'function' ||
              !isObject(fn) ||
              typeof fn.name !== 'string' ||
              typeof fn.arguments !== 'string'
            ) {
              throw new Invalid(
                `Invalid '${param}.tool_calls[${callIndex}]': expected {id, type: 'function', function: {name, arguments}}.`,
                `${param}.tool_calls[${callIndex}]`,
              )
            }
          }
          open = { index, ids: new Set(calls.map((call) => (call as { id: string }).id)) }
        } else if (message.content === undefined || message.content === null) {
          throw new Invalid(
            `Invalid value for '${param}.content': expected a string, got null.`,
            `${param}.content`,
            'invalid_type',
          )
        }
        checkContent(message.content, `${param}.content`, calls !== undefined)
        break
      }
      case 'tool': {
        if (typeof message.tool_call_id !== 'string') {
          throw new Invalid(
            `Missing required parameter: '${param}.tool_call_id'.`,
            `${param}.tool_call_id`,
            'missing_required_parameter',
          )
        }
        checkContent(message.content, `${param}.content`, false)
        if (!open?.ids.has(message.tool_call_id)) {
          throw new Invalid(
            "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
            `${param}.role`,
          )
        }
        open.ids.delete(message.tool_call_id)
        if (open.ids.size === 0) {
          open = null
        }
        break
      }
      default:
        throw new Invalid(
          `Invalid value: '${String(role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
          `${param}.role`,
          'invalid_value',
        )
    }
  }
  if (open) {
    throw new Invalid(
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open.ids].join(', ')}`,
      `messages.[${open.index}].role`,
    )
  }
  checkNumber(body, 'temperature', 0, 2)
  checkNumber(body, 'top_p', 0, 1)
  checkNumber(body, 'n', 1, 128, true)
  checkNumber(body, 'max_completion_tokens', 1, Number.MAX_SAFE_INTEGER, true)
  checkNumber(body, 'max_tokens', 1, Number.MAX_SAFE_INTEGER, true)
  for (const key of ['stream', 'parallel_tool_calls', 'logprobs', 'store'] as const) {
    if (body[key] !== undefined && body[key] !== null && typeof body[key] !== 'boolean') {
      throw new Invalid(
        `Invalid type for '${key}': expected a boolean, but got ${typeof body[key]} instead.`,
        key,
        'invalid_type',
      )
    }
  }
  if (body.stream_options !== undefined && body.stream_options !== null) {
    if (body.stream !== true) {
      throw new Invalid(
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'stream_options',
      )
    }
    if (
      !isObject(body.stream_options) ||
      !['undefined', 'boolean'].includes(typeof body.stream_options.include_usage)
    ) {
      throw new Invalid("Invalid 'stream_options': expected {include_usage: boolean}.", 'stream_options')
    }
  }
  const names = new Set<string>()
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) {
      throw new Invalid("Invalid type for 'tools': expected an array.", 'tools', 'invalid_type')
    }
    for (const [index, tool] of body.tools.entries()) {
      const fn = isObject(tool) ? tool.function : undefined
      if (!isObject(tool) || tool.type !== 'function' || !isObject(fn) || typeof fn.name !== 'string') {
        throw new Invalid(
          `Invalid 'tools[${index}]': expected {type: 'function', function: {name}}.`,
          `tools[${index}]`,
        )
      }
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(fn.name)) {
        throw new Invalid(
          `Invalid 'tools[${index}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
          `tools[${index}].function.name`,
          'invalid_value',
        )
      }
      if (fn.parameters !== undefined && !isObject(fn.parameters)) {
        throw new Invalid(
          `Invalid 'tools[${index}].function.parameters': expected an object.`,
          `tools[${index}]`,
        )
      }
      names.add(fn.name)
    }
  }
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    if (names.size === 0) {
      throw new Invalid(
        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
        'tool_choice',
      )
    }
    const choice = body.tool_choice
    const named =
      isObject(choice) && choice.type === 'function' && isObject(choice.function)
        ? choice.function.name
        : undefined
    if (!(choice === 'none' || choice === 'auto' || choice === 'required' || typeof named === 'string')) {
      throw new Invalid("Invalid value for 'tool_choice'.", 'tool_choice', 'invalid_value')
    }
    if (typeof named === 'string' && !names.has(named)) {
      throw new Invalid(
        `Invalid value for 'tool_choice': no function named '${named}' was specified in the 'tools' parameter.`,
        'tool_choice',
      )
    }
  }
  if (body.parallel_tool_calls !== undefined && names.size === 0) {
    throw new Invalid(
      "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.",
      'parallel_tool_calls',
    )
  }
  if (body.response_format !== undefined && body.response_format !== null) {
    const format = body.response_format
    const type = isObject(format) ? format.type : undefined
    if (type !== 'text' && type !== 'json_object' && type !== 'json_schema') {
      throw new Invalid(
        "Invalid value for 'response_format.type': expected one of 'text', 'json_object', 'json_schema'.",
        'response_format.type',
        'invalid_value',
      )
    }
    if (
      type === 'json_schema' &&
      !(isObject(format) && isObject(format.json_schema) && typeof format.json_schema.name === 'string')
    ) {
      throw new Invalid(
        "Missing required parameter: 'response_format.json_schema.name'.",
        'response_format.json_schema.name',
        'missing_required_parameter',
      )
    }
  }
}

/** Splits text into streamed tokens: each word with the space before it. */
export function tokens(text: string): string[] {
  return text.match(/\s*\S+/g) ?? []
}

function usageFor(prompt: number, completion: number) {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

/** A streamed text answer: a role chunk, one chunk per token, the finish chunk, the usage chunk, `[DONE]`. */
export function textReply(
  text: string | string[],
  options: {
    finishReason?: 'stop' | 'length' | 'content_filter'
    promptTokens?: number
    usage?: boolean
  } = {},
): ScriptedReply {
  const pieces = typeof text === 'string' ? tokens(text) : text
  const chunks: ChunkBody[] = [
    { choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ...pieces.map((piece) => ({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })),
    { choices: [{ index: 0, delta: {}, finish_reason: options.finishReason ?? 'stop' }] },
  ]
  if (options.usage !== false) {
    chunks.push({ choices: [], usage: usageFor(options.promptTokens ?? 10, pieces.length) })
  }
  return { kind: 'stream', chunks, end: 'done' }
}

/**
 * Streamed tool calls as the hosted API sends them: per call a first chunk with `index`, `id`, `type` and `name`,
 * then the arguments split into pieces of `split` characters; parallel calls interleave their pieces by `index`.
 */
export function toolCallsReply(
  calls: { name: string; arguments: string }[],
  options: { split?: number; promptTokens?: number; interleave?: boolean } = {},
): ScriptedReply {
  const split = options.split ?? 5
  const pieces = calls.map((call) => call.arguments.match(new RegExp(`[\\s\\S]{1,${split}}`, 'g')) ?? [])
  const chunks: ChunkBody[] = [
    { choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] },
  ]
  const toolChunk = (
    call: NonNullable<ChunkBody['choices'][number]['delta']['tool_calls']>[number],
  ): ChunkBody => ({
    choices: [{ index: 0, delta: { tool_calls: [call] }, finish_reason: null }],
  })
  calls.forEach((call, index) => {
    chunks.push(
      toolChunk({
        index,
        id: `call_${index}_${call.name}`,
        type: 'function',
        function: { name: call.name, arguments: '' },
      }),
    )
    if (!options.interleave) {
      for (const piece of pieces[index]!) {
        chunks.push(toolChunk({ index, function: { arguments: piece } }))
      }
    }
  })
  if (options.interleave) {
    const longest = Math.max(0, ...pieces.map((list) => list.length))
    for (let at = 0; at < longest; at++) {
      pieces.forEach((list, index) => {
        if (list[at] !== undefined) {
          chunks.push(toolChunk({ index, function: { arguments: list[at] } }))
        }
      })
    }
  }
  const completion = pieces.reduce((sum, list) => sum + list.length + 1, 0)
  chunks.push({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] })
  chunks.push({ choices: [], usage: usageFor(options.promptTokens ?? 10, completion) })
  return { kind: 'stream', chunks, end: 'done' }
}

/** An HTTP error answer with OpenAI's error body (`429` carries `retry-after`). */
export function errorReply(status: number, message?: string): ScriptedReply {
  const rateLimited = status === 429
  return {
    kind: 'error',
    status,
    message:
      message ??
      (rateLimited
        ? 'Rate limit reached for requests. Please try again in 20ms.'
        : 'The server had an error while processing your request. Sorry about that!'),
    type: rateLimited ? 'requests' : 'server_error',
    code: rateLimited ? 'rate_limit_exceeded' : null,
    ...(rateLimited ? { headers: { 'retry-after': '1' } } : {}),
  }
}

/** A reply whose stream is cut (the connection drops) after `afterChunks` chunks: no finish, no `[DONE]`. */
export function cutReply(reply: ScriptedReply, afterChunks: number): ScriptedReply {
  if (reply.kind !== 'stream') {
    return reply
  }
  return { kind: 'stream', chunks: reply.chunks.slice(0, afterChunks), end: 'cut' }
}

/** A reply that sends `afterChunks` chunks and then hangs until the client aborts. */
export function hangReply(reply: ScriptedReply, afterChunks: number): ScriptedReply {
  if (reply.kind !== 'stream') {
    return reply
  }
  return { kind: 'stream', chunks: reply.chunks.slice(0, afterChunks), end: 'hang' }
}

/** A reply that sends `afterChunks` chunks, then an `{"error": …}` frame (as some servers do mid-stream). */
export function streamErrorReply(reply: ScriptedReply, afterChunks: number, message: string): ScriptedReply {
  if (reply.kind !== 'stream') {
    return reply
  }
  return {
    kind: 'stream',
    chunks: reply.chunks.slice(0, afterChunks),
    end: 'done',
    trailer: [{ error: { message, type: 'server_error', param: null, code: null } }],
  }
}

type Message = {
  role: string
  content?: unknown
  tool_calls?: { id: string; function: { name: string } }[]
  tool_call_id?: string
}

function contentText(content: unknown): string {
  if (typeof content === 'string') {
    return content
  }
  if (Array.isArray(content)) {
    return content
      .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
      .join('\n')
  }
  return ''
}

/**
 * The default responder: the scripted model's commands, answered the Chat Completions way, so one scenario suite
 * runs against both models. Tool results → `Tool results: NAME returned "OUTPUT"; …`; `/tool NAME {json}` lines →
 * tool calls (parallel when several; split across chunks); `/fail rate_limit_exceeded` → 429, `/fail …` → 500;
 * `/long N` → N tokens (cut at `max_completion_tokens` with `finish_reason: "length"`); `/cut` → a cut stream;
 * anything else → `You said: "…"`.
 */
export function commandReply(body: Record<string, unknown>): ScriptedReply {
  const messages = body.messages as Message[]
  const prompt = messages.reduce((sum, message) => sum + tokens(contentText(message.content)).length, 0)
  const last = messages[messages.length - 1]
  if (last?.role === 'tool') {
    const names = new Map<string, string>()
    for (const message of messages) {
      for (const call of message.tool_calls ?? []) {
        names.set(call.id, call.function.name)
      }
    }
    const results: string[] = []
    for (let index = messages.length - 1; index >= 0 && messages[index]!.role === 'tool'; index--) {
      const message = messages[index]!
      results.unshift(
        `${names.get(message.tool_call_id ?? '')} returned ${JSON.stringify(contentText(message.content))}`,
      )
    }
    return textReply(`Tool results: ${results.join('; ')}.`, { promptTokens: prompt })
  }
  const input = contentText(
    [...messages].reverse().find((message) => message.role === 'user')?.content,
  ).trim()
  const tools = new Set(
    ((body.tools as { function: { name: string } }[] | undefined) ?? []).map((tool) => tool.function.name),
  )
  const toolLines = input.split('\n').filter((line) => line.trim().startsWith('/tool '))
  if (toolLines.length > 0 && body.tool_choice !== 'none') {
    let calls = toolLines.map((line) => {
      const match = /^\/tool\s+(\S+)\s*(.*)$/.exec(line.trim())
      return { name: match?.[1] ?? '', arguments: match?.[2]?.trim() || '{}' }
    })
    calls = calls.filter((call) => tools.has(call.name))
    if (body.parallel_tool_calls === false) {
      calls = calls.slice(0, 1)
    }
    if (calls.length > 0) {
      return toolCallsReply(calls, { promptTokens: prompt, interleave: calls.length > 1 })
    }
  }
  const [command = '', argument = ''] = input.split(/\s+/)
  if (command === '/fail') {
    return errorReply(argument === 'rate_limit_exceeded' || argument === '429' ? 429 : 500)
  }
  if (command === '/cut') {
    return cutReply(textReply('This answer will be cut off in the middle', { promptTokens: prompt }), 4)
  }
  if (command === '/long') {
    const count = Math.max(0, Math.min(Number.parseInt(argument, 10) || 0, 100_000))
    const limit =
      typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : Number.POSITIVE_INFINITY
    const words = [
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
      'foxtrot',
      'golf',
      'hotel',
      'india',
      'juliett',
    ]
    const pieces = Array.from(
      { length: Math.min(count, limit) },
      (_, index) => `${index === 0 ? '' : ' '}${words[index % 10]}`,
    )
    return textReply(pieces, { promptTokens: prompt, finishReason: count > limit ? 'length' : 'stop' })
  }
  return textReply(input === '' ? 'Hello! Send me a message.' : `You said: "${input}"`, {
    promptTokens: prompt,
  })
}

function errorResponse(
  status: number,
  message: string,
  type: string,
  param: string | null,
  code: string | null,
  headers: Record<string, string> = {},
) {
  return new Response(JSON.stringify({ error: { message, type, param, code } }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve()
      return
    }
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        resolve()
      },
      { once: true },
    )
  })

/**
 * Creates the Chat Completions test server: `POST …/chat/completions` validated against the spec's essentials
 * (unknown arguments, roles, tool-call/tool-message pairing, ranges, `tools`/`tool_choice`/`parallel_tool_calls`,
 * `stream_options`, `response_format`), answered with queued or scripted replies.
 * @example
 * const upstream = createChatCompletionsTestServer()
 * const model = createChatCompletionsModel({ baseURL: 'http://chat.test/v1', apiKey: 'k', model: 'm', fetch: upstream.fetch })
 */
export function createChatCompletionsTestServer(
  options: ChatCompletionsTestServerOptions = {},
): ChatCompletionsTestServer {
  const queue: ScriptedReply[] = []
  const requests: ReceivedRequest[] = []
  let chunkDelayMs = options.chunkDelayMs ?? 0
  let sequence = 0

  async function handle(request: Request): Promise<Response> {
    const record: ReceivedRequest = { body: {}, headers: request.headers, rejected: null, aborted: false }
    const reject = (error: Invalid) => {
      record.rejected = error.message
      return errorResponse(error.status, error.message, 'invalid_request_error', error.param, error.code)
    }
    requests.push(record)
    const url = new URL(request.url)
    if (request.method !== 'POST' || !url.pathname.endsWith('/chat/completions')) {
      return reject(new Invalid(`Invalid URL (${request.method} ${url.pathname})`, null, null, 404))
    }
    if (options.apiKey && request.headers.get('authorization') !== `Bearer ${options.apiKey}`) {
      return reject(new Invalid('Incorrect API key provided.', null, 'invalid_api_key', 401))
    }
    let body: unknown
    try {
      body = JSON.parse(await request.text())
    } catch {
      return reject(new Invalid('We could not parse the JSON body of your request.', null))
    }
    record.body = isObject(body) ? body : {}
    try {
      validate(body)
    } catch (error) {
      if (error instanceof Invalid) {
        return reject(error)
      }
      throw error
    }
    const reply = queue.shift() ?? (options.respond ?? commandReply)(body)
    if (reply.kind === 'error') {
      return errorResponse(reply.status, reply.message, reply.type, null, reply.code, reply.headers)
    }
    const id = `chatcmpl-test${++sequence}`
    const created = Math.floor(Date.now() / 1000)
    const model = body.model as string
    const includeUsage = isObject(body.stream_options) && body.stream_options.include_usage === true
    const chunks = reply.chunks.filter((chunk) => includeUsage || chunk.choices.length > 0)
    if (body.stream !== true) {
      return completionResponse(id, created, model, chunks)
    }
    const signal = request.signal
    const encoder = new TextEncoder()
    const frame = (data: unknown) =>
      encoder.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`)
    // One frame per pull, so a cut or a hang happens after the client has read what came before it.
    const frames = [
      ...chunks.map((chunk) =>
        frame({
          id,
          object: 'chat.completion.chunk',
          created,
          model,
          system_fingerprint: 'fp_test',
          ...chunk,
        }),
      ),
      ...(reply.trailer ?? []).map(frame),
      ...(reply.end === 'done' ? [frame('[DONE]')] : []),
    ]
    let hangTimer: ReturnType<typeof setInterval> | undefined
    const stream = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const next = frames.shift()
          if (next) {
            await wait(chunkDelayMs, signal)
            if (signal.aborted) {
              record.aborted = true
              controller.error(signal.reason)
              return
            }
            controller.enqueue(next)
            return
          }
          if (reply.end === 'cut') {
            controller.error(new TypeError('terminated: other side closed'))
          } else if (reply.end === 'hang') {
            await new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => resolve(), { once: true })
              // Keeps the event loop alive while hung (a real socket would).
              hangTimer = setInterval(() => {}, 1000)
            })
            clearInterval(hangTimer)
            record.aborted = true
            controller.error(signal.reason)
          } else {
            controller.close()
          }
        },
        cancel() {
          clearInterval(hangTimer)
          record.aborted = true
        },
      },
      { highWaterMark: 0 },
    )
    return new Response(stream, {
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    })
  }

  return {
    fetch: (input, init) => handle(input instanceof Request && !init ? input : new Request(input, init)),
    enqueue: (...replies) => {
      queue.push(...replies)
    },
    requests,
    setChunkDelay: (ms) => {
      chunkDelayMs = ms
    },
  }
}

/** Folds streamed chunks into one non-streamed `chat.completion` (for `stream: false` requests). */
function completionResponse(id: string, created: number, model: string, chunks: ChunkBody[]): Response {
  let content: string | null = null
  let finish: string | null = null
  const calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = []
  let usage: ChunkBody['usage'] = null
  for (const chunk of chunks) {
    usage = chunk.usage ?? usage
    for (const choice of chunk.choices) {
      if (typeof choice.delta.content === 'string') {
        content = (content ?? '') + choice.delta.content
      }
      for (const piece of choice.delta.tool_calls ?? []) {
        const call = calls[piece.index] ?? { id: '', type: 'function', function: { name: '', arguments: '' } }
        calls[piece.index] = call
        call.id ||= piece.id ?? ''
        call.function.name += piece.function?.name ?? ''
        call.function.arguments += piece.function?.arguments ?? ''
      }
      finish = choice.finish_reason ?? finish
    }
  }
  const body = {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        finish_reason: finish ?? 'stop',
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  }
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
}
