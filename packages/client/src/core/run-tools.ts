// The opt-in tool loop: stream a run; at `requires_action` run the named handlers, submit every output
// in one streamed request and go on, until the run ends. Handlers are an explicit map; a call that cannot be
// answered throws `ToolCallError` before anything is sent (checklist F10). Never re-POSTs a create.
import { OaiRunsError, ToolCallError, UserAbortError } from './errors.ts'
import { emptyRunSnapshot, type RunSnapshot } from './run-snapshot.ts'
import type { AnyRunStreamEvent, RunStream, StreamCallOptions } from './run-stream.ts'
import { isStoppedRun } from './run-stream-handlers.ts'
import { toolOutput } from './tool-output.ts'
import { type Run, type RunToolCall, requiredApprovals, requiredToolCalls, type ToolOutput } from './types.ts'

/** A client tool: gets the call's parsed JSON arguments and returns its output (a string, or any JSON value). */
export type ToolHandlerFunction = (
  // biome-ignore lint/suspicious/noExplicitAny: each handler declares its own argument type
  args: any,
  context: { call: RunToolCall; run: Run; signal?: AbortSignal },
) => unknown

/** Options of `streamWithTools`: the handlers by function name, plus the streaming call options. */
export type StreamWithToolsOptions = Omit<StreamCallOptions, 'initialSnapshot'> & {
  /** The handler of each function tool, by name; a call to any other name throws `ToolCallError`. */
  tools: Readonly<Record<string, ToolHandlerFunction>>
}

/** The events of every stream of a tool loop (the create, then each submit), with the run at the end. */
export type ToolRunStream = AsyncIterable<AnyRunStreamEvent> & {
  /** The snapshot folded from every event so far, across all streams of the loop. */
  snapshot(): RunSnapshot
  /** Consumes the loop (or waits for the current consumer) and returns the run in its terminal state. */
  finalRun(): Promise<Run>
  /** Stops reading and closes the current connection; the run is NOT cancelled on the server. */
  abort(): void
}

type Submit = (
  ids: { threadId: string; runId: string },
  outputs: ToolOutput[],
  options: StreamCallOptions,
) => Promise<RunStream>

function parseArguments(call: RunToolCall): unknown {
  try {
    const args: unknown = JSON.parse(call.function.arguments)
    if (args !== null && typeof args === 'object' && !Array.isArray(args)) {
      return args
    }
  } catch {
    // reported below
  }
  throw new ToolCallError({ reason: 'invalid_arguments', callId: call.id, toolName: call.function.name })
}

// Answers every call of a run in `requires_action`, or throws for the first call (in order) that cannot be
// answered; all handlers run to the end first, so nothing is submitted partially.
async function answerCalls(
  run: Run,
  tools: StreamWithToolsOptions['tools'],
  signal: AbortSignal,
): Promise<ToolOutput[]> {
  const action = run.required_action
  if (action && action.type !== 'submit_tool_outputs') {
    // An approval (or another host's action) is the user's to give: the loop stops before sending anything.
    const first = requiredApprovals(run)[0]
    const named = first as { name?: unknown; function?: { name?: unknown } } | undefined
    const name =
      typeof named?.name === 'string'
        ? named.name
        : typeof named?.function?.name === 'string'
          ? named.function.name
          : (first?.type ?? action.type)
    throw new ToolCallError({ reason: 'not_tool_outputs', callId: first?.id ?? '', toolName: name })
  }
  const calls = requiredToolCalls(run)
  const prepared = calls.map((call) => {
    const handler = Object.hasOwn(tools, call.function.name) ? tools[call.function.name] : undefined
    if (!handler) {
      throw new ToolCallError({ reason: 'unknown_tool', callId: call.id, toolName: call.function.name })
    }
    return { call, handler, args: parseArguments(call) }
  })
  const settled = await Promise.allSettled(
    prepared.map(async ({ call, handler, args }) =>
      toolOutput(call.id, await handler(args, { call, run, signal })),
    ),
  )
  return settled.map((result, index) => {
    if (result.status === 'rejected') {
      const { call } = prepared[index]!
      throw new ToolCallError({
        reason: 'handler_failed',
        callId: call.id,
        toolName: call.function.name,
        cause: result.reason,
      })
    }
    return result.value
  })
}

/**
 * Runs the tool loop over a first stream: yields its events, and at `requires_action` answers the calls with
 * `tools` and follows the streamed submit, until the run reaches a terminal status.
 */
export function createToolLoop(
  open: (options: StreamCallOptions) => Promise<RunStream>,
  submit: Submit,
  options: StreamWithToolsOptions,
): ToolRunStream {
  const { tools, ...callOptions } = options
  const abort = new AbortController()
  const onAbort = () => abort.abort(options.signal?.reason)
  options.signal?.addEventListener('abort', onAbort, { once: true })
  if (options.signal?.aborted) {
    onAbort()
  }
  const streamOptions = { ...callOptions, signal: abort.signal }
  let current: RunStream | undefined
  let last: RunSnapshot | undefined
  let started = false

  let settle: { resolve: (run: Run) => void; reject: (error: unknown) => void } | undefined
  const ended = new Promise<Run>((resolve, reject) => {
    settle = { resolve, reject }
  })
  ended.catch(() => undefined) // rejections reach finalRun() callers, never the process

  async function* loop(): AsyncGenerator<AnyRunStreamEvent, void> {
    try {
      current = await open(streamOptions)
      for (;;) {
        for await (const event of current) {
          yield event
        }
        last = current.snapshot()
        const run = last.run
        if (!isStoppedRun(run)) {
          return // aborted (a stream that ends early otherwise throws RunStreamTruncatedError)
        }
        if (run.status !== 'requires_action') {
          settle?.resolve(run)
          return
        }
        const outputs = await answerCalls(run, tools, abort.signal)
        current = await submit({ threadId: run.thread_id, runId: run.id }, outputs, {
          ...streamOptions,
          initialSnapshot: last,
        })
      }
    } catch (error) {
      settle?.reject(error)
      throw error
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
      // Closed early (`break`): finalRun() callers learn it.
      settle?.reject(new UserAbortError('The tool loop was closed before the run reached a final state.'))
    }
  }

  const stream: ToolRunStream = {
    [Symbol.asyncIterator]() {
      if (started) {
        throw new OaiRunsError('A ToolRunStream can be iterated only once; use finalRun() instead.')
      }
      started = true
      return loop()
    },
    snapshot: () => current?.snapshot() ?? last ?? emptyRunSnapshot(),
    async finalRun() {
      if (!started) {
        for await (const _event of stream) {
          // consumed only to reach the end of the loop
        }
      }
      return ended
    },
    abort: () => {
      abort.abort()
      current?.abort()
    },
  }
  return stream
}
