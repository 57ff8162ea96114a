// The upstream stream: one streamed `POST /responses`, its events (ResponseStreamEvent) read as text, annotations,
// file-search and code-interpreter outputs, with the function calls and usage returned when the response ends.
import type { ModelOutput } from '../model.ts'
import { readSseEvents } from '../sse-parser.ts'
import type { FileSearchResult, RankingOptions } from '../types.ts'
import { postUpstream } from '../upstream-model.ts'
import {
  badEventError,
  failedResponseError,
  ResponsesModelError,
  responseError,
  streamErrorEvent,
  streamReadError,
  unfinishedError,
  unreachableError,
} from './errors.ts'
import { createMessageText, type UpstreamAnnotation } from './message-text.ts'
import type { ResponsesModelOptions } from './types.ts'

/** One function call of a response, assembled from its item and argument deltas. */
export interface ResponseCall {
  call_id: string
  name: string
  arguments: string
}

/** How one streamed response ended, after its text and hosted tool calls were yielded. */
export interface ResponseEnd {
  responseId: string | null
  /** `incomplete` with the upstream's reason (`max_output_tokens`, `content_filter`). */
  incomplete: string | null
  calls: ResponseCall[]
  usage: { prompt_tokens: number; completion_tokens: number } | null
}

/** The endpoint a model streams from, and how its outputs are written. */
export interface Upstream {
  /** `{baseURL}/responses`. */
  url: string
  fetch: (input: string, init: RequestInit) => Promise<Response>
  options: ResponsesModelOptions
}

/** One event of the stream, as far as the adapter reads it (the spec's ResponseStreamEvent members). */
interface StreamEvent {
  type?: string
  item_id?: string
  output_index?: number
  content_index?: number
  delta?: string
  code?: string | null
  message?: string
  item?: OutputItem
  annotation?: UpstreamAnnotation | null
  part?: { annotations?: unknown }
  response?: {
    id?: string
    error?: { code?: string; message?: string } | null
    incomplete_details?: { reason?: string } | null
    usage?: { input_tokens?: number; output_tokens?: number } | null
  }
}

interface OutputItem {
  id?: string
  type?: string
  status?: string
  call_id?: string
  name?: string
  arguments?: string
  code?: string | null
  results?: { file_id?: string; filename?: string; score?: number; text?: string }[] | null
  outputs?: ({ type: 'logs'; logs?: string } | { type: 'image'; url?: string })[] | null
  content?: { type?: string; text?: string; refusal?: string }[]
}

const defaultCitation = ({ filename, number }: { filename: string; number: number }) =>
  `【${number}†${filename}】`

/** The container file id in a code-interpreter image URL (`…/files/{id}/content`), if there is one. */
export function defaultImageFileId(url: string): string | undefined {
  return (
    /\/files\/([^/?#]+)(?:\/content)?(?:[?#]|$)/.exec(url)?.[1] ?? /\b(cfile_\w+|file-\w+)/.exec(url)?.[1]
  )
}

/** Streams one response: yields text and hosted tool calls as they come, returns how it ended (failures throw). */
export async function* streamResponse(
  upstream: Upstream,
  body: Record<string, unknown>,
  signal: AbortSignal,
  rankingOptions: Required<RankingOptions>,
): AsyncGenerator<ModelOutput, ResponseEnd> {
  const { options } = upstream
  const response = await postUpstream(upstream, body, signal, unreachableError)
  if (!response.ok) {
    throw await responseError(response, body.previous_response_id as string | undefined)
  }
  if (!response.body) {
    throw new ResponsesModelError('server_error', 'The Responses endpoint answered without a body.')
  }
  if (response.headers.get('content-type')?.includes('application/json')) {
    const text = await response.text().catch(() => '')
    throw new ResponsesModelError(
      'server_error',
      `The Responses endpoint answered with JSON, not an event stream (does it support stream: true?): ${text.slice(0, 200)}`,
    )
  }
  const message = createMessageText(options.citationText ?? defaultCitation)
  const imageFileId = options.imageFileId ?? defaultImageFileId
  /** The response's output items by id, as added and then streamed into. */
  const items = new Map<string, OutputItem & { output_index: number; streamed: boolean }>()
  const end: ResponseEnd = { responseId: null, incomplete: null, calls: [], usage: null }
  let finished = false
  const item = (id: unknown) => {
    const key = typeof id === 'string' ? id : ''
    const known = items.get(key) ?? { id: key, output_index: items.size, streamed: false }
    items.set(key, known)
    return known
  }

  try {
    for await (const { data } of readSseEvents(response.body, {
      signal,
      ...(options.maxEventSize !== undefined ? { maxEventSize: options.maxEventSize } : {}),
    })) {
      if (data === '' || data === '[DONE]') {
        continue
      }
      let event: StreamEvent
      try {
        event = JSON.parse(data)
      } catch {
        throw badEventError(data)
      }
      if (!event || typeof event !== 'object') {
        throw badEventError(data)
      }
      switch (event.type) {
        case 'response.created':
        case 'response.in_progress':
        case 'response.queued':
          end.responseId = event.response?.id ?? end.responseId
          break
        case 'response.output_item.added':
          if (event.item && typeof event.item === 'object') {
            Object.assign(item(event.item.id), event.item, {
              output_index: event.output_index ?? item(event.item.id).output_index,
              streamed: false,
            })
          }
          break
        case 'response.content_part.added':
          message.open(event.item_id, event.content_index)
          break
        case 'response.output_text.delta':
        case 'response.refusal.delta':
          if (typeof event.delta === 'string' && event.delta !== '') {
            item(event.item_id).streamed = true
            yield message.delta(event.item_id, event.content_index, event.delta)
          }
          break
        case 'response.output_text.annotation.added': {
          const output = message.annotate(event.item_id, event.content_index, event.annotation ?? null)
          if (output) {
            yield output
          }
          break
        }
        case 'response.content_part.done':
          yield* message.done(event.item_id, event.content_index, event.part?.annotations)
          break
        case 'response.function_call_arguments.delta': {
          const call = item(event.item_id)
          call.arguments = (call.arguments ?? '') + (event.delta ?? '')
          break
        }
        case 'response.code_interpreter_call_code.delta':
          if (typeof event.delta === 'string' && event.delta !== '') {
            const call = item(event.item_id)
            call.code = (call.code ?? '') + event.delta
            message.close()
            yield { type: 'code_interpreter_input', delta: event.delta }
          }
          break
        case 'response.output_item.done': {
          if (!event.item || typeof event.item !== 'object') {
            break
          }
          const streamed = item(event.item.id)
          const done = {
            ...streamed,
            ...event.item,
            code: event.item.code ?? streamed.code ?? null,
            arguments: event.item.arguments ?? streamed.arguments ?? '',
          }
          items.set(streamed.id ?? '', { ...done, streamed: streamed.streamed })
          if (done.type === 'message' && !streamed.streamed) {
            // A message that came whole (no deltas): its text in one piece.
            const whole = (Array.isArray(done.content) ? done.content : [])
              .map((piece) => piece?.text ?? piece?.refusal ?? '')
              .join('')
            if (whole !== '') {
              yield message.whole(whole)
            }
          } else if (done.type === 'file_search_call') {
            message.close()
            yield {
              type: 'file_search',
              results: searchResults(done.results),
              ranking_options: rankingOptions,
            }
          } else if (done.type === 'code_interpreter_call') {
            message.close()
            yield codeInterpreterOutput(done, imageFileId)
          }
          break
        }
        case 'response.completed':
        case 'response.incomplete': {
          const usage = event.response?.usage
          if (usage) {
            end.usage = {
              prompt_tokens: usage.input_tokens ?? 0,
              completion_tokens: usage.output_tokens ?? 0,
            }
          }
          end.responseId = event.response?.id ?? end.responseId
          if (event.type === 'response.incomplete') {
            end.incomplete = event.response?.incomplete_details?.reason ?? 'max_output_tokens'
          }
          finished = true
          break
        }
        case 'response.failed':
          throw failedResponseError(event.response?.error)
        case 'error':
          throw streamErrorEvent(event)
        default:
          break // reasoning, progress and other events change nothing in the run
      }
      if (finished) {
        break
      }
    }
  } catch (error) {
    if (error instanceof ResponsesModelError || signal.aborted) {
      throw error
    }
    throw streamReadError(error)
  }
  if (!finished) {
    throw unfinishedError()
  }
  // The function calls in output order, each with its arguments (from its done item, else its deltas).
  end.calls = [...items.values()]
    .filter((candidate) => candidate.type === 'function_call')
    .sort((a, b) => a.output_index - b.output_index)
    .map((call) => ({ call_id: call.call_id ?? '', name: call.name ?? '', arguments: call.arguments ?? '' }))
  return end
}

function searchResults(results: OutputItem['results']): FileSearchResult[] {
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  return (Array.isArray(results) ? results : []).map((result) => ({
    file_id: text(result?.file_id),
    file_name: text(result?.filename),
    score: typeof result?.score === 'number' ? result.score : 0,
    content: [{ type: 'text', text: text(result?.text) }],
  }))
}

function codeInterpreterOutput(
  item: OutputItem,
  imageFileId: (url: string) => string | undefined,
): ModelOutput & { type: 'code_interpreter' } {
  const logs: string[] = []
  const images: string[] = []
  for (const output of Array.isArray(item.outputs) ? item.outputs : []) {
    if (output?.type === 'logs') {
      logs.push(output.logs ?? '')
    } else if (output?.type === 'image' && typeof output.url === 'string') {
      const id = imageFileId(output.url)
      if (id) {
        images.push(id)
      } else {
        logs.push(`[image: ${output.url.startsWith('data:') ? 'inline data' : output.url}]`)
      }
    }
  }
  return {
    type: 'code_interpreter',
    input: typeof item.code === 'string' ? item.code : '',
    logs: logs.join(''),
    ...(images.length ? { images } : {}),
  }
}
