// The upstream stream: one streamed `POST /chat/completions`, its chunks read as text outputs and assembled tool calls.
import type { ModelOutput } from '../model.ts'
import { readSseEvents } from '../sse-parser.ts'
import { ModelError, postUpstream } from '../upstream-model.ts'
import {
  badChunkError,
  chunkError,
  responseError,
  streamReadError,
  unfinishedError,
  unreachableError,
} from './errors.ts'
import type { ChatCompletionsModelOptions } from './types.ts'

/** One assembled tool call of a streamed completion. */
export interface AssembledCall {
  id: string
  name: string
  arguments: string
}

/** What one streamed completion produced, after its text was yielded. */
export interface TurnEnd {
  finishReason: string
  calls: AssembledCall[]
  usage: { prompt_tokens: number; completion_tokens: number } | null
}

/** The endpoint a model streams from. */
export interface Upstream {
  /** `{baseURL}/chat/completions`. */
  url: string
  fetch: (input: string, init: RequestInit) => Promise<Response>
  /** The adapter's options, read at every request (headers, key, `maxEventSize`). */
  options: ChatCompletionsModelOptions
}

/** One streamed chunk, as far as the adapter reads it. */
interface Chunk {
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

/** Streams one completion: yields text as it comes, returns how it ended (failures throw a ModelError). */
export async function* streamCompletion(
  upstream: Upstream,
  body: Record<string, unknown>,
  signal: AbortSignal,
): AsyncGenerator<ModelOutput, TurnEnd> {
  const { options } = upstream
  const response = await postUpstream(upstream, body, signal, unreachableError)
  if (!response.ok) {
    throw await responseError(response)
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
      let chunk: Chunk
      try {
        chunk = JSON.parse(data)
      } catch {
        throw badChunkError(data)
      }
      if (chunk.error) {
        throw chunkError(chunk.error)
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
    throw streamReadError(error)
  }
  if (finishReason === null) {
    throw unfinishedError(sawDone)
  }
  const ordered = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => call)
  return { finishReason, calls: ordered, usage }
}
