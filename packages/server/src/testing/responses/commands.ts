// Owns the command script (`script: 'commands'`): the scripted model's commands (see scripted-model.ts) answered
// the Responses way, so one scenario suite runs against the scripted model and the Responses adapter alike.
import {
  functionCallsTurn,
  httpErrorTurn,
  interruptedTurn,
  lastUserText,
  textTurn,
  tokens,
  toolResults,
} from './scripts.ts'
import type { ScriptedItem, ScriptedTurn, SearchResult } from './types.ts'
import { isObject } from './validation.ts'

/** What the command script may ask of the server while it answers. */
export interface CommandContext {
  /** The function calls of the response this one continues (call_id → name). */
  names: Map<string, string>
  /** Searches vector stores (through the files hook), the best results first; [] when nothing is found. */
  search(vectorStoreIds: string[], query: string, maxResults: number): Promise<SearchResult[]>
}

const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliett']

type Tool = { type?: unknown; name?: unknown; vector_store_ids?: unknown; max_num_results?: unknown }

function toolsOf(body: Record<string, unknown>): Tool[] {
  return Array.isArray(body.tools) ? (body.tools as unknown[]).filter(isObject) : []
}

function toolCalls(input: string, body: Record<string, unknown>) {
  const known = new Set(
    toolsOf(body).flatMap((tool) =>
      tool.type === 'function' && typeof tool.name === 'string' ? [tool.name] : [],
    ),
  )
  const calls = input
    .split('\n')
    .filter((line) => line.trim().startsWith('/tool '))
    .map((line) => {
      const match = /^\/tool\s+(\S+)\s*(.*)$/.exec(line.trim())
      return { name: match?.[1] ?? '', arguments: match?.[2]?.trim() || '{}' }
    })
    .filter((call) => known.has(call.name))
  return body.parallel_tool_calls === false ? calls.slice(0, 1) : calls
}

function codeTurn(source: string): ScriptedTurn {
  const lines = source.split('\n')
  return {
    kind: 'response',
    output: [
      {
        type: 'code_interpreter_call',
        code: tokens(source),
        outputs: [{ type: 'logs', logs: `>>> ${lines.join('\n... ')}\nok` }],
      },
      { type: 'message', deltas: tokens(`I ran your code (${lines.length} line(s)); the logs say ok.`) },
    ],
  }
}

async function searchTurn(query: string, tool: Tool, context: CommandContext): Promise<ScriptedTurn> {
  const ids = Array.isArray(tool.vector_store_ids)
    ? tool.vector_store_ids.filter((id): id is string => typeof id === 'string')
    : []
  const max = typeof tool.max_num_results === 'number' ? tool.max_num_results : 10
  const results = ids.length > 0 ? await context.search(ids, query, max) : []
  const searched: ScriptedItem = { type: 'file_search_call', queries: [query], results }
  const [best] = results
  if (!best) {
    return {
      kind: 'response',
      output: [searched, { type: 'message', deltas: tokens(`The files say nothing about ${query}.`) }],
    }
  }
  const text = `Here is what the files say about ${query}.`
  const deltas = tokens(text)
  // The Responses API cites with a position (`index`): here, the end of the sentence the file backs.
  const annotation = {
    type: 'file_citation',
    file_id: best.file_id,
    filename: best.filename,
    index: text.length,
  }
  return {
    kind: 'response',
    output: [searched, { type: 'message', deltas, annotations: [{ after: deltas.length, annotation }] }],
  }
}

function failTurn(code: string | undefined): ScriptedTurn {
  if (code === 'rate_limit_exceeded' || code === '429') {
    return httpErrorTurn(429)
  }
  const failed = code === 'invalid_prompt' ? code : 'server_error'
  return {
    kind: 'response',
    output: [],
    end: 'failed',
    error: { code: failed, message: `The scripted model failed the response with ${failed}, as asked.` },
  }
}

function longTurn(count: number, body: Record<string, unknown>): ScriptedTurn {
  const limit = typeof body.max_output_tokens === 'number' ? body.max_output_tokens : Number.POSITIVE_INFINITY
  const deltas = Array.from(
    { length: Math.min(count, limit) },
    (_, index) => `${index === 0 ? '' : ' '}${words[index % words.length]}`,
  )
  return {
    kind: 'response',
    output: [{ type: 'message', deltas }],
    ...(count > limit ? { end: 'incomplete' as const } : {}),
  }
}

/**
 * The command script: the scripted model's commands answered as the hosted Responses API would.
 * - tool outputs (a continuation) → `Tool results: NAME returned "OUTPUT"; …`;
 * - `/tool NAME {json}` lines → `function_call` items (of the request's function tools; parallel ones interleaved;
 *   one when `parallel_tool_calls` is false);
 * - `/code SOURCE` (with a code_interpreter tool) → a `code_interpreter_call` with logs, then a reply;
 * - `/search QUERY` (with a file_search tool) → a `file_search_call` over its `vector_store_ids` (searched through
 *   the files hook, so results name uploaded files), then a reply with a `file_citation` of the best result;
 * - `/fail rate_limit_exceeded` → HTTP 429; `/fail invalid_prompt`, `/fail …` → `response.failed` with that code
 *   (`server_error` for any other);
 * - `/long N` → N tokens (`response.incomplete` past `max_output_tokens`); `/cut` → a stream cut mid-answer;
 * - anything else → `You said: "…"`.
 * Tool commands do nothing when `tool_choice` is `none`.
 */
export async function commandTurn(
  body: Record<string, unknown>,
  context: CommandContext,
): Promise<ScriptedTurn> {
  const results = toolResults(body, context.names)
  if (results.length > 0) {
    return textTurn(`Tool results: ${results.join('; ')}.`)
  }
  const input = lastUserText(body)
  const toolsAllowed = body.tool_choice !== 'none'
  const calls = toolsAllowed ? toolCalls(input, body) : []
  if (calls.length > 0) {
    return functionCallsTurn(calls, { interleave: calls.length > 1 })
  }
  const [command = '', count = ''] = input.split(/\s+/)
  const argument = input.slice(command.length).trim()
  const tool = (type: string) => (toolsAllowed ? toolsOf(body).find((item) => item.type === type) : undefined)
  const fileSearch = tool('file_search')
  if (command === '/code' && tool('code_interpreter')) {
    return codeTurn(argument)
  }
  if (command === '/search' && fileSearch) {
    return searchTurn(argument, fileSearch, context)
  }
  if (command === '/fail') {
    return failTurn(count)
  }
  if (command === '/long') {
    return longTurn(Math.max(0, Math.min(Number.parseInt(count, 10) || 0, 100_000)), body)
  }
  if (command === '/cut') {
    // response.created, response.in_progress, the item, its part and two deltas; then the connection drops.
    return interruptedTurn(textTurn('This answer will be cut off in the middle'), 'cut', 6)
  }
  return textTurn(input === '' ? 'Hello! Send me a message.' : `You said: "${input}"`)
}
