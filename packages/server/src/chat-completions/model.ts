// The Chat Completions model: each turn of a run streams a request, runs the hosted tools it calls, ends in outputs.
import type { ModelContext, ModelOutput, RunModel } from '../model.ts'
import { createRedactor } from '../redact.ts'
import { errorOutput } from '../upstream-model.ts'
import { buildChatRequest, isHosted, missingHostedTools, searchResultsText } from './request.ts'
import { streamCompletion, type TurnEnd, type Upstream } from './stream.ts'
import type { ChatCompletionsModelOptions, ChatMessage } from './types.ts'

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
  const upstream: Upstream = {
    url: `${baseURL}/chat/completions`,
    fetch: options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init)),
    options,
  }
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
        const end: TurnEnd = yield* streamCompletion(upstream, body, abort.signal)
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
      yield errorOutput(error, redactor, 'model adapter')
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
