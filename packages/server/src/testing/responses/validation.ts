// Owns request validation: a `POST /responses` body checked against the essentials of the spec's CreateResponse
// (and its InputItem, Tool, ToolChoiceParam and ResponseTextParam members), refused as the hosted API words it.
import type { Kept } from './store.ts'

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

/** A refused request: the message, `param`, `code` and HTTP status the hosted API would answer with. */
export class Invalid extends Error {
  constructor(
    message: string,
    readonly param: string | null,
    readonly code: string | null = null,
    readonly status = 400,
  ) {
    super(message)
  }
}

/** Whether a value is a plain JSON object (not null, not an array). */
export const isObject = (value: unknown): value is Record<string, unknown> =>
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
export function validate(
  body: unknown,
  kept: ReadonlyMap<string, Kept>,
): asserts body is Record<string, unknown> {
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
