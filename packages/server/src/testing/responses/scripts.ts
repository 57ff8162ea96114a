// Owns the scripted turns: helpers a test builds turns with, the default echo responder and the command script.
import type { ScriptedResponse, ScriptedTurn } from './types.ts'
import { isObject } from './validation.ts'

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

function inputItems(body: Record<string, unknown>): Message[] {
  if (typeof body.input === 'string') {
    return [{ role: 'user', content: body.input }]
  }
  return Array.isArray(body.input) ? (body.input as Message[]).filter(isObject) : []
}

/** The text of the input's last user message, trimmed ('' when there is none). */
export function lastUserText(body: Record<string, unknown>): string {
  return contentText([...inputItems(body)].reverse().find((item) => item.role === 'user')?.content).trim()
}

/**
 * The tool results the input ends with, as `NAME returned "OUTPUT"` (names from the input's calls or `names`, the
 * previous response's), or [] when the input does not end with `function_call_output` items.
 */
export function toolResults(body: Record<string, unknown>, names: Map<string, string>): string[] {
  const input = inputItems(body)
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
  return outputs
}

/**
 * The default responder: tool outputs → `Tool results: NAME returned "OUTPUT"; …` (names from the input's calls or
 * the previous response's); anything else → `You said: "…"` about the last user message.
 */
export function echoTurn(
  body: Record<string, unknown>,
  names: Map<string, string> = new Map(),
): ScriptedTurn {
  const outputs = toolResults(body, names)
  if (outputs.length > 0) {
    return textTurn(`Tool results: ${outputs.join('; ')}.`)
  }
  const last = lastUserText(body)
  return textTurn(last === '' ? 'Hello! Send me a message.' : `You said: "${last}"`)
}
