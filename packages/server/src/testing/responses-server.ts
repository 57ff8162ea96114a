// A Responses API test server, written from OpenAI's OpenAPI spec (CreateResponse and its InputItem, Tool,
// ToolChoiceParam and ResponseTextParam members; the ResponseStreamEvent members; Response; the error shape): a fetch
// handler that validates `POST /responses` the way the hosted API does (the essentials), keeps the responses it made
// for `previous_response_id`, and answers with scripted turns: text deltas with annotations, function calls split
// over N deltas (parallel, interleaved), file_search and code_interpreter calls, incomplete, failed, HTTP errors, cut
// and hung streams. Paths under /files and /vector_stores go to an optional `files` handler. One module on purpose
// (over 400 lines): the validation and the event writer read against the same spec members.

/** The top-level properties CreateResponse defines (with CreateModelResponseProperties and ResponseProperties). */
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
  'previous_response_id',
  'model',
  'background',
  'max_tool_calls',
  'text',
  'tools',
  'tool_choice',
  'prompt',
  'service_tier',
  'truncation',
  'reasoning',
  'input',
  'include',
  'parallel_tool_calls',
  'store',
  'instructions',
  'moderation',
  'stream',
  'stream_options',
  'conversation',
  'context_management',
  'max_output_tokens',
])

/** IncludeEnum. */
const includable = new Set([
  'file_search_call.results',
  'web_search_call.results',
  'web_search_call.action.sources',
  'message.input_image.image_url',
  'computer_call_output.output.image_url',
  'code_interpreter_call.outputs',
  'reasoning.encrypted_content',
  'message.output_text.logprobs',
])

/** Tool types of the spec's Tool union that the server accepts without looking inside. */
const otherTools = new Set([
  'computer',
  'computer_use_preview',
  'web_search',
  'web_search_preview',
  'web_search_2025_08_26',
  'mcp',
  'image_generation',
  'local_shell',
  'shell',
  'custom',
  'apply_patch',
])

/** A file-search result as the upstream sends it (`file_search_call.results[]`). */
export interface SearchResult {
  file_id: string
  filename: string
  score: number
  text: string
  attributes?: Record<string, string | number | boolean>
}

/** One output item of a scripted response. */
export type ScriptedItem =
  | {
      type: 'message'
      /** The text deltas, in order. */
      deltas: string[]
      /** Annotations, each sent after `after` deltas (a `response.output_text.annotation.added`). */
      annotations?: { after: number; annotation: Record<string, unknown> }[]
    }
  | { type: 'function_call'; name: string; arguments: string; call_id?: string }
  | { type: 'file_search_call'; queries: string[]; results: SearchResult[] }
  | {
      type: 'code_interpreter_call'
      /** The code deltas, in order. */
      code: string[]
      outputs: ({ type: 'logs'; logs: string } | { type: 'image'; url: string })[]
      container_id?: string
    }

/** What the test server answers one request with. */
export type ScriptedTurn =
  | {
      kind: 'response'
      output: ScriptedItem[]
      /**
       * How the stream ends: `completed`, `incomplete` (max_output_tokens), `failed` (with `error`), an `error` event,
       * `cut` (the connection drops) or `hang` (until the client aborts). @defaultValue 'completed'
       */
      end?: 'completed' | 'incomplete' | 'failed' | 'error' | 'cut' | 'hang'
      /** For `cut` and `hang`: how many events go out first. @defaultValue every item event */
      after?: number
      error?: { code: string; message: string }
      usage?: { input_tokens: number; output_tokens: number }
      /** Splits function-call arguments into deltas of this many characters. @defaultValue 5 */
      split?: number
      /** Interleaves the argument deltas of parallel calls (all items open first). */
      interleave?: boolean
    }
  | {
      kind: 'error'
      status: number
      message: string
      type: string
      code: string | null
      headers?: Record<string, string>
    }

/** A scripted turn that streams a response (not an HTTP error). */
export type ScriptedResponse = Extract<ScriptedTurn, { kind: 'response' }>

/** One request the server received, with what it thought of it. */
export interface ReceivedResponsesRequest {
  method: string
  path: string
  body: Record<string, unknown>
  headers: Headers
  /** Why the request was refused (400/401/404), or null when it was valid. */
  rejected: string | null
  /** Set when the client aborted the request (or cancelled the body) before the stream ended. */
  aborted: boolean
}

/** Options of {@link createResponsesTestServer}. */
export interface ResponsesTestServerOptions {
  /** When set, requests must carry `Authorization: Bearer KEY`. */
  apiKey?: string
  /** Pause between events (a slow model), in ms. @defaultValue 0 */
  eventDelayMs?: number
  /** Answers requests when no turn is queued. @defaultValue {@link echoTurn} */
  respond?: (body: Record<string, unknown>) => ScriptedTurn
  /** Serves paths under `/files` and `/vector_stores` (e.g. a files handler); `undefined` → 404. */
  files?: (request: Request) => Promise<Response> | undefined
}

/** A Responses test server. */
export interface ResponsesTestServer {
  /** A fetch function to inject into the adapter (`createResponsesModel({ fetch })`). */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>
  /** Queues turns for the next `POST /responses` (first in, first out), ahead of `respond`. */
  enqueue(...turns: ScriptedTurn[]): void
  /** Every request received, oldest first. */
  requests: ReceivedResponsesRequest[]
  /** The ids of the responses it keeps, oldest first. */
  responseIds(): string[]
  /** Drops kept responses (all, or one): a later `previous_response_id` naming one gets `previous_response_not_found`. */
  forget(id?: string): void
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

const given = (value: unknown) => value !== undefined && value !== null

function typeName(value: unknown) {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
}

function expect(value: unknown, kind: 'string' | 'boolean' | 'object' | 'array', param: string) {
  const ok =
    kind === 'array' ? Array.isArray(value) : kind === 'object' ? isObject(value) : typeof value === kind
  if (!ok) {
    throw new Invalid(
      `Invalid type for '${param}': expected ${kind === 'array' || kind === 'object' ? 'an' : 'a'} ${kind}, but got ${typeName(value)} instead.`,
      param,
      'invalid_type',
    )
  }
}

function onlyKeys(value: Record<string, unknown>, keys: string[], param: string) {
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw new Invalid(`Unknown parameter: '${param}.${key}'.`, `${param}.${key}`, 'unknown_parameter')
    }
  }
}

function checkNumber(value: unknown, param: string, min: number, max: number, integer = false) {
  if (!given(value)) {
    return
  }
  if (typeof value !== 'number' || (integer && !Number.isInteger(value))) {
    throw new Invalid(
      `Invalid type for '${param}': expected ${integer ? 'an integer' : 'a decimal'}, but got ${typeName(value)} instead.`,
      param,
      'invalid_type',
    )
  }
  if (value < min || value > max) {
    const kind = integer ? 'integer' : 'decimal'
    throw new Invalid(
      `Invalid '${param}': ${kind} ${value < min ? 'below minimum' : 'above maximum'} value. Expected a value ${value < min ? `>= ${min}` : `<= ${max}`}, but got ${value} instead.`,
      param,
      `${kind}_${value < min ? 'below_min' : 'above_max'}_value`,
    )
  }
}

function oneOf(value: unknown, allowed: readonly string[], param: string) {
  if (value === undefined) {
    throw new Invalid(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter')
  }
  if (!allowed.includes(value as string)) {
    throw new Invalid(
      `Invalid value: '${String(value)}'. Supported values are: ${allowed.map((item) => `'${item}'`).join(', ')}.`,
      param,
      'invalid_value',
    )
  }
}

function checkContent(content: unknown, role: string, param: string) {
  if (typeof content === 'string') {
    return
  }
  expect(content, 'array', param)
  for (const [index, part] of (content as unknown[]).entries()) {
    const at = `${param}[${index}]`
    expect(part, 'object', at)
    const typed = part as Record<string, unknown>
    const types =
      role === 'assistant' ? ['output_text', 'refusal'] : ['input_text', 'input_image', 'input_file']
    oneOf(typed.type, types, `${at}.type`)
    if (typed.type === 'input_text' || typed.type === 'output_text') {
      onlyKeys(typed, ['type', 'text', 'annotations', 'logprobs', 'prompt_cache_breakpoint'], at)
      expect(typed.text, 'string', `${at}.text`)
    } else if (typed.type === 'input_image') {
      onlyKeys(typed, ['type', 'image_url', 'file_id', 'detail', 'prompt_cache_breakpoint'], at)
      oneOf(typed.detail, ['low', 'high', 'auto', 'original'], `${at}.detail`)
      if (!given(typed.image_url) && !given(typed.file_id)) {
        throw new Invalid(`Invalid '${at}': an input_image needs an image_url or a file_id.`, at)
      }
    } else if (typed.type === 'input_file') {
      onlyKeys(
        typed,
        ['type', 'file_id', 'filename', 'file_data', 'file_url', 'detail', 'prompt_cache_breakpoint'],
        at,
      )
      if (!given(typed.file_id) && !given(typed.file_data) && !given(typed.file_url)) {
        throw new Invalid(`Invalid '${at}': an input_file needs a file_id, file_data or file_url.`, at)
      }
    }
  }
}

/** What the server keeps of a response: its function calls (call_id → name), for continuations. */
interface Kept {
  calls: Map<string, string>
}

function checkInput(input: unknown, previous: Kept | undefined) {
  if (typeof input === 'string' || !given(input)) {
    return
  }
  expect(input, 'array', 'input')
  const calls = new Map(previous?.calls ?? [])
  for (const [index, item] of (input as unknown[]).entries()) {
    const at = `input[${index}]`
    expect(item, 'object', at)
    const typed = item as Record<string, unknown>
    if (typed.type === undefined || typed.type === 'message') {
      onlyKeys(typed, ['type', 'role', 'content', 'status', 'id', 'phase'], at)
      oneOf(typed.role, ['user', 'assistant', 'system', 'developer'], `${at}.role`)
      checkContent(typed.content, typed.role as string, `${at}.content`)
    } else if (typed.type === 'function_call') {
      onlyKeys(typed, ['type', 'id', 'call_id', 'name', 'arguments', 'status', 'namespace'], at)
      for (const key of ['call_id', 'name', 'arguments']) {
        expect(typed[key], 'string', `${at}.${key}`)
      }
      calls.set(typed.call_id as string, typed.name as string)
    } else if (typed.type === 'function_call_output') {
      onlyKeys(typed, ['type', 'id', 'call_id', 'output', 'status'], at)
      expect(typed.call_id, 'string', `${at}.call_id`)
      expect(typed.output, 'string', `${at}.output`)
      if (!calls.has(typed.call_id as string)) {
        throw new Invalid(
          `No tool call found for function call output with call_id ${typed.call_id as string}.`,
          'input',
        )
      }
    } else if (typed.type === 'item_reference') {
      expect(typed.id, 'string', `${at}.id`)
    } else {
      oneOf(typed.type, ['message', 'function_call', 'function_call_output', 'item_reference'], `${at}.type`)
    }
  }
}

function checkTools(tools: unknown): Set<string> {
  const names = new Set<string>()
  if (!given(tools)) {
    return names
  }
  expect(tools, 'array', 'tools')
  for (const [index, tool] of (tools as unknown[]).entries()) {
    const at = `tools[${index}]`
    expect(tool, 'object', at)
    const typed = tool as Record<string, unknown>
    if (typed.type === 'function') {
      onlyKeys(typed, ['type', 'name', 'description', 'parameters', 'strict', 'defer_loading'], at)
      expect(typed.name, 'string', `${at}.name`)
      if (!/^[a-zA-Z0-9_-]{1,64}$/.test(typed.name as string)) {
        throw new Invalid(
          `Invalid '${at}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
          `${at}.name`,
          'invalid_value',
        )
      }
      if (given(typed.parameters)) {
        expect(typed.parameters, 'object', `${at}.parameters`)
      }
      if (given(typed.strict)) {
        expect(typed.strict, 'boolean', `${at}.strict`)
      }
      names.add(`function:${typed.name as string}`)
    } else if (typed.type === 'file_search') {
      onlyKeys(typed, ['type', 'vector_store_ids', 'max_num_results', 'ranking_options', 'filters'], at)
      expect(typed.vector_store_ids, 'array', `${at}.vector_store_ids`)
      checkNumber(typed.max_num_results, `${at}.max_num_results`, 1, 50, true)
      if (given(typed.ranking_options)) {
        expect(typed.ranking_options, 'object', `${at}.ranking_options`)
        const ranking = typed.ranking_options as Record<string, unknown>
        onlyKeys(ranking, ['ranker', 'score_threshold', 'hybrid_search'], `${at}.ranking_options`)
        if (given(ranking.ranker)) {
          oneOf(ranking.ranker, ['auto', 'default-2024-11-15'], `${at}.ranking_options.ranker`)
        }
        checkNumber(ranking.score_threshold, `${at}.ranking_options.score_threshold`, 0, 1)
      }
      names.add('file_search')
    } else if (typed.type === 'code_interpreter') {
      onlyKeys(typed, ['type', 'container'], at)
      const container = typed.container
      if (typeof container !== 'string') {
        expect(container, 'object', `${at}.container`)
        const auto = container as Record<string, unknown>
        onlyKeys(auto, ['type', 'file_ids', 'memory_limit', 'network_policy'], `${at}.container`)
        oneOf(auto.type, ['auto'], `${at}.container.type`)
        if (given(auto.file_ids)) {
          expect(auto.file_ids, 'array', `${at}.container.file_ids`)
        }
      }
      names.add('code_interpreter')
    } else if (!otherTools.has(typed.type as string)) {
      oneOf(typed.type, ['function', 'file_search', 'code_interpreter', ...otherTools], `${at}.type`)
    } else {
      names.add(typed.type as string)
    }
  }
  return names
}

function checkToolChoice(choice: unknown, tools: Set<string>) {
  if (!given(choice) || choice === 'none' || choice === 'auto' || choice === 'required') {
    return
  }
  if (!isObject(choice)) {
    throw new Invalid("Invalid value for 'tool_choice'.", 'tool_choice', 'invalid_value')
  }
  if (choice.type === 'function') {
    if (!tools.has(`function:${String(choice.name)}`)) {
      throw new Invalid(`Tool choice '${String(choice.name)}' not found in 'tools' parameter.`, 'tool_choice')
    }
  } else if (choice.type !== 'allowed_tools' && !tools.has(String(choice.type))) {
    throw new Invalid(`Tool choice '${String(choice.type)}' not found in 'tools' parameter.`, 'tool_choice')
  }
}

/** Validates a request body against CreateResponse's essentials; throws an {@link Invalid}. */
function validate(body: unknown, kept: Map<string, Kept>): asserts body is Record<string, unknown> {
  if (!isObject(body)) {
    throw new Invalid('We could not parse the JSON body of your request.', null)
  }
  for (const key of Object.keys(body)) {
    if (!requestProperties.has(key)) {
      throw new Invalid(`Unrecognized request argument supplied: ${key}`, null)
    }
  }
  if (typeof body.model !== 'string' || body.model === '') {
    throw new Invalid("Missing required parameter: 'model'.", 'model', 'missing_required_parameter')
  }
  let previous: Kept | undefined
  if (given(body.previous_response_id)) {
    expect(body.previous_response_id, 'string', 'previous_response_id')
    previous = kept.get(body.previous_response_id as string)
    if (!previous) {
      throw new Invalid(
        `Previous response with id '${body.previous_response_id as string}' not found.`,
        'previous_response_id',
        'previous_response_not_found',
      )
    }
  }
  checkInput(body.input, previous)
  if (given(body.instructions)) {
    expect(body.instructions, 'string', 'instructions')
  }
  const tools = checkTools(body.tools)
  checkToolChoice(body.tool_choice, tools)
  for (const key of ['stream', 'store', 'parallel_tool_calls', 'background'] as const) {
    if (given(body[key])) {
      expect(body[key], 'boolean', key)
    }
  }
  checkNumber(body.temperature, 'temperature', 0, 2)
  checkNumber(body.top_p, 'top_p', 0, 1)
  checkNumber(body.top_logprobs, 'top_logprobs', 0, 20, true)
  checkNumber(body.max_output_tokens, 'max_output_tokens', 16, Number.MAX_SAFE_INTEGER, true)
  if (given(body.include)) {
    expect(body.include, 'array', 'include')
    for (const [index, value] of (body.include as unknown[]).entries()) {
      oneOf(value, [...includable], `include[${index}]`)
    }
  }
  if (given(body.metadata)) {
    expect(body.metadata, 'object', 'metadata')
    const entries = Object.entries(body.metadata as Record<string, unknown>)
    if (entries.length > 16) {
      throw new Invalid("Invalid 'metadata': too many properties. Expected at most 16.", 'metadata')
    }
    for (const [key, value] of entries) {
      if (key.length > 64 || typeof value !== 'string' || value.length > 512) {
        throw new Invalid(
          `Invalid 'metadata.${key}': keys are at most 64 characters, values strings of at most 512.`,
          'metadata',
        )
      }
    }
  }
  if (given(body.text)) {
    expect(body.text, 'object', 'text')
    const text = body.text as Record<string, unknown>
    onlyKeys(text, ['format', 'verbosity'], 'text')
    if (given(text.format)) {
      expect(text.format, 'object', 'text.format')
      const format = text.format as Record<string, unknown>
      oneOf(format.type, ['text', 'json_object', 'json_schema'], 'text.format.type')
      if (format.type === 'json_schema') {
        onlyKeys(format, ['type', 'name', 'description', 'schema', 'strict'], 'text.format')
        expect(format.name, 'string', 'text.format.name')
        expect(format.schema, 'object', 'text.format.schema')
      } else {
        onlyKeys(format, ['type'], 'text.format')
      }
    }
  }
}

/** Splits text into streamed tokens: each word with the space before it. */
export function tokens(text: string): string[] {
  return text.match(/\s*\S+/g) ?? []
}

/** A text answer streamed token by token (or in the pieces given), with optional annotations. */
export function textTurn(
  text: string | string[],
  options: {
    annotations?: { after: number; annotation: Record<string, unknown> }[]
    usage?: { input_tokens: number; output_tokens: number }
  } = {},
): ScriptedResponse {
  const deltas = typeof text === 'string' ? tokens(text) : text
  return {
    kind: 'response',
    output: [
      { type: 'message', deltas, ...(options.annotations ? { annotations: options.annotations } : {}) },
    ],
    ...(options.usage ? { usage: options.usage } : {}),
  }
}

/** Function calls, one item each, their arguments split over deltas of `split` characters (interleaved if asked). */
export function functionCallsTurn(
  calls: { name: string; arguments: string }[],
  options: { split?: number; interleave?: boolean; text?: string } = {},
): ScriptedResponse {
  return {
    kind: 'response',
    output: [
      ...(options.text ? [{ type: 'message' as const, deltas: tokens(options.text) }] : []),
      ...calls.map((call) => ({ type: 'function_call' as const, ...call })),
    ],
    split: options.split ?? 5,
    ...(options.interleave ? { interleave: true } : {}),
  }
}

/** An HTTP error with OpenAI's error body (`429` carries `retry-after`). */
export function httpErrorTurn(status: number, message?: string): ScriptedTurn {
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

/** The same turn, its stream cut (`cut`) or hung until the client aborts (`hang`) after `after` events. */
export function interruptedTurn(turn: ScriptedTurn, end: 'cut' | 'hang', after: number): ScriptedTurn {
  return turn.kind === 'response' ? { ...turn, end, after } : turn
}

type Message = {
  role?: string
  type?: string
  content?: unknown
  call_id?: string
  name?: string
  output?: string
}

function contentText(content: unknown): string {
  if (typeof content === 'string') {
    return content
  }
  return Array.isArray(content)
    ? content.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('\n')
    : ''
}

/**
 * The default responder: tool outputs → `Tool results: NAME returned "OUTPUT"; …` (names from the input's calls or
 * the previous response's); anything else → `You said: "…"` about the last user message.
 */
export function echoTurn(
  body: Record<string, unknown>,
  names: Map<string, string> = new Map(),
): ScriptedTurn {
  const input: Message[] =
    typeof body.input === 'string'
      ? [{ role: 'user', content: body.input }]
      : ((body.input as Message[]) ?? [])
  for (const item of input) {
    if (item.type === 'function_call') {
      names.set(item.call_id ?? '', item.name ?? '')
    }
  }
  const outputs: string[] = []
  for (let index = input.length - 1; index >= 0 && input[index]!.type === 'function_call_output'; index--) {
    const item = input[index]!
    outputs.unshift(`${names.get(item.call_id ?? '')} returned ${JSON.stringify(item.output ?? '')}`)
  }
  if (outputs.length > 0) {
    return textTurn(`Tool results: ${outputs.join('; ')}.`)
  }
  const last = contentText([...input].reverse().find((item) => item.role === 'user')?.content).trim()
  return textTurn(last === '' ? 'Hello! Send me a message.' : `You said: "${last}"`)
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

/** The events of a scripted response (without `sequence_number`), from `response.created` to its end. */
function responseEvents(
  turn: ScriptedTurn & { kind: 'response' },
  body: Record<string, unknown>,
  id: string,
  number: () => number,
) {
  const include = new Set((body.include as string[] | undefined) ?? [])
  const events: Record<string, unknown>[] = []
  const done: Record<string, unknown>[] = []
  const created = Math.floor(Date.now() / 1000)
  const response = (status: string, output: unknown[], extra: Record<string, unknown> = {}) => ({
    id,
    object: 'response',
    created_at: created,
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: body.model,
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: body.text ?? { format: { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    metadata: body.metadata ?? {},
    ...extra,
  })
  events.push({ type: 'response.created', response: response('in_progress', []) })
  events.push({ type: 'response.in_progress', response: response('in_progress', []) })
  const split = turn.split ?? 5
  const incomplete = turn.end === 'incomplete'
  const calls: { index: number; item: Record<string, unknown>; pieces: string[] }[] = []
  let completion = 0
  for (const [index, scripted] of turn.output.entries()) {
    const output_index = index
    if (scripted.type === 'message') {
      const item_id = `msg_${id}_${index}`
      const base = { item_id, output_index, content_index: 0 }
      events.push({
        type: 'response.output_item.added',
        output_index,
        item: { id: item_id, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
      })
      events.push({
        type: 'response.content_part.added',
        ...base,
        part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
      })
      const annotations: Record<string, unknown>[] = []
      const annotate = (after: number) => {
        for (const { annotation } of (scripted.annotations ?? []).filter((entry) => entry.after === after)) {
          events.push({
            type: 'response.output_text.annotation.added',
            ...base,
            annotation_index: annotations.length,
            annotation,
          })
          annotations.push(annotation)
        }
      }
      annotate(0)
      scripted.deltas.forEach((delta, at) => {
        events.push({ type: 'response.output_text.delta', ...base, delta, logprobs: [] })
        annotate(at + 1)
      })
      completion += scripted.deltas.length
      const text = scripted.deltas.join('')
      const part = { type: 'output_text', text, annotations, logprobs: [] }
      events.push({ type: 'response.output_text.done', ...base, text, logprobs: [] })
      events.push({ type: 'response.content_part.done', ...base, part })
      const item = {
        id: item_id,
        type: 'message',
        status: incomplete ? 'incomplete' : 'completed',
        role: 'assistant',
        content: [part],
      }
      events.push({ type: 'response.output_item.done', output_index, item })
      done.push(item)
    } else if (scripted.type === 'function_call') {
      const item = {
        id: `fc_${id}_${index}`,
        type: 'function_call',
        status: 'in_progress',
        call_id: scripted.call_id ?? `call_${id}_${index}`,
        name: scripted.name,
        arguments: '',
      }
      const pieces = scripted.arguments.match(new RegExp(`[\\s\\S]{1,${split}}`, 'g')) ?? []
      completion += pieces.length + 1
      calls.push({ index, item, pieces })
      if (!turn.interleave) {
        events.push(...callEvents(item, index, pieces, 'all'))
        done.push({ ...item, status: 'completed', arguments: scripted.arguments })
      }
    } else if (scripted.type === 'file_search_call') {
      const item_id = `fs_${id}_${index}`
      const base = { output_index, item_id }
      events.push({
        type: 'response.output_item.added',
        output_index,
        item: { id: item_id, type: 'file_search_call', status: 'in_progress', queries: [], results: null },
      })
      events.push(
        { type: 'response.file_search_call.in_progress', ...base },
        { type: 'response.file_search_call.searching', ...base },
        { type: 'response.file_search_call.completed', ...base },
      )
      const item = {
        id: item_id,
        type: 'file_search_call',
        status: 'completed',
        queries: scripted.queries,
        results: include.has('file_search_call.results') ? scripted.results : null,
      }
      events.push({ type: 'response.output_item.done', output_index, item })
      done.push(item)
    } else {
      const item_id = `ci_${id}_${index}`
      const base = { output_index, item_id }
      const container_id = scripted.container_id ?? `cntr_${id}`
      events.push({
        type: 'response.output_item.added',
        output_index,
        item: {
          id: item_id,
          type: 'code_interpreter_call',
          status: 'in_progress',
          container_id,
          code: '',
          outputs: null,
        },
      })
      events.push({ type: 'response.code_interpreter_call.in_progress', ...base })
      for (const delta of scripted.code) {
        events.push({ type: 'response.code_interpreter_call_code.delta', ...base, delta })
      }
      const code = scripted.code.join('')
      completion += scripted.code.length
      events.push({ type: 'response.code_interpreter_call_code.done', ...base, code })
      events.push(
        { type: 'response.code_interpreter_call.interpreting', ...base },
        { type: 'response.code_interpreter_call.completed', ...base },
      )
      const item = {
        id: item_id,
        type: 'code_interpreter_call',
        status: 'completed',
        container_id,
        code,
        outputs: include.has('code_interpreter_call.outputs') ? scripted.outputs : null,
      }
      events.push({ type: 'response.output_item.done', output_index, item })
      done.push(item)
    }
  }
  if (turn.interleave) {
    for (const call of calls) {
      events.push(...callEvents(call.item, call.index, [], 'added'))
    }
    const longest = Math.max(0, ...calls.map((call) => call.pieces.length))
    for (let at = 0; at < longest; at++) {
      for (const call of calls) {
        if (call.pieces[at] !== undefined) {
          events.push({
            type: 'response.function_call_arguments.delta',
            item_id: call.item.id,
            output_index: call.index,
            delta: call.pieces[at],
          })
        }
      }
    }
    for (const call of calls) {
      events.push(...callEvents(call.item, call.index, call.pieces, 'done'))
      done.push({ ...call.item, status: 'completed', arguments: call.pieces.join('') })
    }
  }
  const inputTokens = turn.usage?.input_tokens ?? 10
  const outputTokens = turn.usage?.output_tokens ?? completion
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  }
  const itemEvents = events.length
  if (turn.end === 'failed') {
    events.push({
      type: 'response.failed',
      response: response('failed', done, {
        error: turn.error ?? { code: 'server_error', message: 'The model failed.' },
        usage,
      }),
    })
  } else if (turn.end === 'error') {
    const error = turn.error ?? {
      code: 'server_error',
      message: 'An error occurred while processing your request.',
    }
    events.push({ type: 'error', code: error.code, message: error.message, param: null })
  } else if (incomplete) {
    events.push({
      type: 'response.incomplete',
      response: response('incomplete', done, { incomplete_details: { reason: 'max_output_tokens' }, usage }),
    })
  } else {
    events.push({
      type: 'response.completed',
      response: response('completed', done, { completed_at: created, usage }),
    })
  }
  if (turn.end === 'cut' || turn.end === 'hang') {
    events.splice(turn.after ?? itemEvents)
  }
  return events.map((event): Record<string, unknown> => ({ ...event, sequence_number: number() }))
}

function callEvents(
  item: Record<string, unknown>,
  output_index: number,
  pieces: string[],
  part: 'all' | 'added' | 'done',
) {
  const events: Record<string, unknown>[] = []
  const base = { item_id: item.id, output_index }
  if (part !== 'done') {
    events.push({ type: 'response.output_item.added', output_index, item })
  }
  if (part === 'all') {
    for (const delta of pieces) {
      events.push({ type: 'response.function_call_arguments.delta', ...base, delta })
    }
  }
  if (part !== 'added') {
    const args = pieces.join('')
    events.push({ type: 'response.function_call_arguments.done', ...base, name: item.name, arguments: args })
    events.push({
      type: 'response.output_item.done',
      output_index,
      item: { ...item, status: 'completed', arguments: args },
    })
  }
  return events
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
 * Creates the Responses test server: `POST …/responses` validated against CreateResponse's essentials (unknown
 * arguments and item fields, roles and content parts, tools, `tool_choice` against `tools`, ranges, `include`,
 * `text.format`, `metadata`, `previous_response_id` and `function_call_output` call ids), answered with queued or
 * default turns as the spec's stream events; `/files` and `/vector_stores` go to `options.files`.
 * @example
 * const upstream = createResponsesTestServer()
 * const model = createResponsesModel({ baseURL: 'http://responses.test/v1', apiKey: 'k', model: 'm', fetch: upstream.fetch })
 */
export function createResponsesTestServer(options: ResponsesTestServerOptions = {}): ResponsesTestServer {
  const queue: ScriptedTurn[] = []
  const requests: ReceivedResponsesRequest[] = []
  const kept = new Map<string, Kept>()
  let count = 0

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const record: ReceivedResponsesRequest = {
      method: request.method,
      path: url.pathname,
      body: {},
      headers: request.headers,
      rejected: null,
      aborted: false,
    }
    const reject = (error: Invalid) => {
      record.rejected = error.message
      return errorResponse(error.status, error.message, 'invalid_request_error', error.param, error.code)
    }
    requests.push(record)
    if (options.apiKey && request.headers.get('authorization') !== `Bearer ${options.apiKey}`) {
      return reject(new Invalid('Incorrect API key provided.', null, 'invalid_api_key', 401))
    }
    if (/\/(files|vector_stores)(\/|$)/.test(url.pathname) && !url.pathname.includes('/containers/')) {
      const answer = options.files?.(request)
      return answer
        ? await answer
        : reject(new Invalid(`Invalid URL (${request.method} ${url.pathname})`, null, null, 404))
    }
    if (request.method !== 'POST' || !url.pathname.endsWith('/responses')) {
      return reject(new Invalid(`Invalid URL (${request.method} ${url.pathname})`, null, null, 404))
    }
    let body: unknown
    try {
      body = JSON.parse(await request.text())
    } catch {
      return reject(new Invalid('We could not parse the JSON body of your request.', null))
    }
    record.body = isObject(body) ? body : {}
    try {
      validate(body, kept)
    } catch (error) {
      if (error instanceof Invalid) {
        return reject(error)
      }
      throw error
    }
    const previous = kept.get(body.previous_response_id as string)
    const turn =
      queue.shift() ?? (options.respond ? options.respond(body) : echoTurn(body, new Map(previous?.calls)))
    if (turn.kind === 'error') {
      return errorResponse(turn.status, turn.message, turn.type, null, turn.code, turn.headers)
    }
    const id = `resp_test${++count}`
    let sequence = 0
    const events = responseEvents(turn, body, id, () => sequence++)
    if (body.store !== false && (turn.end ?? 'completed') === 'completed') {
      const calls = new Map(previous?.calls)
      for (const event of events) {
        const item = event.item as { type?: string; call_id?: string; name?: string } | undefined
        if (event.type === 'response.output_item.done' && item?.type === 'function_call') {
          calls.set(item.call_id!, item.name!)
        }
      }
      kept.set(id, { calls })
    }
    if (body.stream !== true) {
      const last = events.at(-1) as { response?: unknown } | undefined
      return Response.json(last?.response ?? {})
    }
    const signal = request.signal
    const encoder = new TextEncoder()
    const frames = events.map((event) =>
      encoder.encode(`event: ${event.type as string}\ndata: ${JSON.stringify(event)}\n\n`),
    )
    let hangTimer: ReturnType<typeof setInterval> | undefined
    const eventDelayMs = options.eventDelayMs ?? 0
    // One frame per pull, so a cut or a hang happens after the client has read what came before it.
    const stream = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const next = frames.shift()
          if (next) {
            await wait(eventDelayMs, signal)
            if (signal.aborted) {
              record.aborted = true
              controller.error(signal.reason)
              return
            }
            controller.enqueue(next)
          } else if (turn.end === 'cut') {
            controller.error(new TypeError('terminated: other side closed'))
          } else if (turn.end === 'hang') {
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
    enqueue: (...turns) => {
      queue.push(...turns)
    },
    requests,
    responseIds: () => [...kept.keys()],
    forget: (id) => {
      if (id === undefined) {
        kept.clear()
      } else {
        kept.delete(id)
      }
    },
  }
}
