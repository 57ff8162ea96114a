// The Responses model: each turn of a run is one streamed `POST {baseURL}/responses`; its events become outputs.
//
// Continuations after tool outputs use `previous_response_id` (the last response id of each run, kept in memory)
// rather than resending the whole input: the upstream then still has the turn's own items, i.e. its reasoning
// items, its file_search and code_interpreter calls (whose ids it checks and which cannot be replayed from the run's
// steps) and the code-interpreter container, and the prompt is not paid for twice. When the id is gone (this
// process restarted, the upstream dropped it: 400 `previous_response_not_found`, or `previousResponseId: false`) the
// turn resends the input built from the thread and the run's history, hosted calls written out as text.
import type { ModelContext, ModelOutput, RunModel } from '../model.ts'
import { createRedactor } from '../redact.ts'
import type { RankingOptions } from '../types.ts'
import { errorOutput } from '../upstream-model.ts'
import { PreviousResponseNotFound } from './errors.ts'
import { buildResponsesRequest, fullInput, toolOutputInput } from './request.ts'
import { type ResponseEnd, streamResponse, type Upstream } from './stream.ts'
import type { ResponsesModelOptions } from './types.ts'

/** How many runs' last response ids are kept (the oldest go first; those runs resend their input). */
const keptResponseIds = 10_000

/**
 * Creates a {@link RunModel} that answers runs with the Responses API (`POST /v1/responses`, streamed): the run's
 * instructions, the thread's messages (as `truncation_strategy` cut them, images and attachments included), its
 * function tools, `file_search` over the assistant's and thread's vector stores, `code_interpreter` in an `auto`
 * container with their files, `tool_choice`, `parallel_tool_calls`, `temperature`/`top_p`, the token limit,
 * `response_format` and `metadata` become one request per turn. Text deltas, citations, function calls (assembled
 * from their deltas; the run goes `requires_action`), file-search results, code-interpreter code, logs and images,
 * usage, `response.incomplete` (→ `incomplete`) and failures (429 → `rate_limit_exceeded`, else `server_error`) come
 * back as run steps and messages. The request aborts when the run is cancelled or expires.
 * @example
 * const model = createResponsesModel({ baseURL: 'https://api.openai.com/v1', apiKey, model: 'gpt-4.1-mini' })
 * const server = createRunsServer({ model })
 */
export function createResponsesModel(options: ResponsesModelOptions): RunModel {
  const baseURL = options.baseURL.replace(/\/+$/, '')
  const upstream: Upstream = {
    url: `${baseURL}/responses`,
    fetch: options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init)),
    options,
  }
  const chain = options.previousResponseId !== false
  // Upstream error texts become the run's last_error, which every API client reads: never with the key in them.
  const redactor = createRedactor([options.apiKey])
  /** The last response of each run that stopped for function calls. */
  const responseIds = new Map<string, string>()

  function upstreamModel(runModel: string): string {
    if (options.model) {
      return options.model
    }
    const map = options.modelMap
    const mapped = typeof map === 'function' ? map(runModel) : map?.[runModel]
    return mapped ?? runModel
  }

  function rankingOptions(context: ModelContext): Required<RankingOptions> {
    const tool = context.run.tools.find((candidate) => candidate.type === 'file_search')
    const given = tool?.type === 'file_search' ? tool.file_search?.ranking_options : undefined
    return { ranker: given?.ranker ?? 'default_2024_08_21', score_threshold: given?.score_threshold ?? 0 }
  }

  async function* turn(context: ModelContext, signal: AbortSignal): AsyncGenerator<ModelOutput, ResponseEnd> {
    const model = upstreamModel(context.run.model)
    const ranking = rankingOptions(context)
    const previous = chain && context.toolOutputs.length > 0 ? responseIds.get(context.run.id) : undefined
    responseIds.delete(context.run.id)
    if (previous) {
      try {
        const body = buildResponsesRequest(context, model, toolOutputInput(context), previous)
        return yield* streamResponse(upstream, body, signal, ranking)
      } catch (error) {
        if (!(error instanceof PreviousResponseNotFound)) {
          throw error
        }
        // Refused before it streamed anything: resend the whole input instead.
      }
    }
    return yield* streamResponse(
      upstream,
      buildResponsesRequest(context, model, fullInput(context)),
      signal,
      ranking,
    )
  }

  async function* answer(context: ModelContext): AsyncGenerator<ModelOutput> {
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
    try {
      const end = yield* turn(context, abort.signal)
      if (end.usage) {
        yield { type: 'usage', ...end.usage }
      }
      if (end.incomplete !== null) {
        yield end.incomplete === 'content_filter'
          ? { type: 'error', code: 'server_error', message: "The model's content filter stopped the answer." }
          : { type: 'incomplete', reason: 'max_completion_tokens' }
        return
      }
      // One call per call id (the run's tool call ids must be unique); nameless ones are dropped.
      const byId = new Map(
        end.calls
          .filter((call) => call.name !== '')
          .map((call, index) => [call.call_id || `#${index}`, call]),
      )
      let calls = [...byId.values()]
      if (calls.length === 0) {
        return
      }
      if (!context.run.parallel_tool_calls) {
        calls = calls.slice(0, 1)
      }
      const unknown = calls.find((call) => !functionNames.has(call.name))
      if (unknown) {
        yield {
          type: 'error',
          code: 'server_error',
          message: `The model called a function the run does not have: '${unknown.name}'.`,
        }
        return
      }
      if (chain && end.responseId) {
        responseIds.set(context.run.id, end.responseId)
        if (responseIds.size > keptResponseIds) {
          responseIds.delete(responseIds.keys().next().value as string)
        }
      }
      yield {
        type: 'function_calls',
        calls: calls.map((call) => ({
          id: call.call_id,
          name: call.name,
          arguments: call.arguments || '{}',
        })),
      }
    } catch (error) {
      if (abort.signal.aborted) {
        return // cancelled or expired: the engine settles the run
      }
      yield errorOutput(error, redactor, 'Responses adapter')
    } finally {
      context.signal.removeEventListener('abort', onRunAbort)
      abort.abort()
    }
  }

  return (context) => answer(context)
}
