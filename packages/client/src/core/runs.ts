// client.runs: create (plain or streamed), createThreadAndRun, list, retrieve, update, cancel,
// submitToolOutputs, plus the poll helpers from polling.ts. Methods take one ids object, then the body.
import {
  ActiveRunError,
  type ApiError,
  CannotCancelRunError,
  RunExpiredError,
  RunNotAwaitingOutputsError,
} from './errors.ts'
import type { RunIds, ThreadIds } from './ids.ts'
import { type ApiPromise, apiPromise, type PagePromise, pagePromise } from './pagination.ts'
import { createRunPolling, type RunPolling } from './polling.ts'
import { createRunStream, type RunStream, type StreamCallOptions } from './run-stream.ts'
import { createToolLoop, type StreamWithToolsOptions, type ToolRunStream } from './run-tools.ts'
import {
  type ApiResult,
  type CallOptions,
  callFields,
  type RequestOptions,
  type Transport,
} from './transport.ts'
import type {
  CreateRunParams,
  CreateThreadAndRunParams,
  ListParams,
  ListResponse,
  Run,
  SubmitToolOutputsParams,
  UpdateRunParams,
} from './types.ts'
import { isActiveRunStatus } from './types.ts'
import { pathId, validateParams } from './validate.ts'

export type { RunIds, ThreadIds } from './ids.ts'

/** A body with `stream: true`: the call returns a `RunStream`. */
export type Streaming<P> = P & { stream: true }

/** A body without `stream: true`: the call returns the `Run`. */
export type NonStreaming<P> = P & { stream?: false | null | undefined }

/** The `client.runs` resource. */
export type RunsResource = RunPolling & {
  /** Starts a run on a thread; `body.include` goes to the `include[]` query; `stream: true` returns a RunStream. */
  create(ids: ThreadIds, body: Streaming<CreateRunParams>, options?: StreamCallOptions): ApiPromise<RunStream>
  create(ids: ThreadIds, body: NonStreaming<CreateRunParams>, options?: CallOptions): ApiPromise<Run>
  create(ids: ThreadIds, body: CreateRunParams, options?: StreamCallOptions): ApiPromise<Run | RunStream>
  /** Creates a thread and starts a run on it in one request; `stream: true` returns a RunStream. */
  createThreadAndRun(
    body: Streaming<CreateThreadAndRunParams>,
    options?: StreamCallOptions,
  ): ApiPromise<RunStream>
  createThreadAndRun(body: NonStreaming<CreateThreadAndRunParams>, options?: CallOptions): ApiPromise<Run>
  createThreadAndRun(body: CreateThreadAndRunParams, options?: StreamCallOptions): ApiPromise<Run | RunStream>
  /** Lists the runs of a thread (newest first by default); await for a page or `for await` every run. */
  list(ids: ThreadIds, query?: ListParams, options?: CallOptions): PagePromise<Run>
  /** Fetches one run. */
  retrieve(ids: RunIds, options?: CallOptions): ApiPromise<Run>
  /** Replaces a run's metadata. */
  update(ids: RunIds, body: UpdateRunParams, options?: CallOptions): ApiPromise<Run>
  /** Asks the server to cancel a run (it goes `cancelling`, then usually `cancelled`). */
  cancel(ids: RunIds, options?: CallOptions): ApiPromise<Run>
  /** Sends every tool output of a run in `requires_action`; `stream: true` returns a RunStream. */
  submitToolOutputs(
    ids: RunIds,
    body: Streaming<SubmitToolOutputsParams>,
    options?: StreamCallOptions,
  ): ApiPromise<RunStream>
  submitToolOutputs(
    ids: RunIds,
    body: NonStreaming<SubmitToolOutputsParams>,
    options?: CallOptions,
  ): ApiPromise<Run>
  submitToolOutputs(
    ids: RunIds,
    body: SubmitToolOutputsParams,
    options?: StreamCallOptions,
  ): ApiPromise<Run | RunStream>
  /**
   * Streams a new run and answers its function calls with `options.tools` (all outputs of a step in one streamed
   * submit) until the run ends; iterate the events of every stream, or await `finalRun()`.
   * @example
   * const run = await client.runs
   *   .streamWithTools({ threadId }, { assistant_id }, { tools: { get_weather: async ({ city }) => ({ city, celsius: 21 }) } })
   *   .finalRun()
   */
  streamWithTools(
    ids: ThreadIds,
    body: Omit<CreateRunParams, 'stream'>,
    options: StreamWithToolsOptions,
  ): ToolRunStream
}

const threadPath = (ids: ThreadIds) => `/threads/${pathId(ids?.threadId, 'threadId')}`
const runPath = (ids: RunIds) => `${threadPath(ids)}/runs/${pathId(ids?.runId, 'runId')}`

/** Creates `client.runs` over a transport. */
export function createRuns(transport: Transport): RunsResource {
  const getRun = (ids: RunIds, options?: CallOptions) =>
    transport.request<Run>({ method: 'GET', path: runPath(ids), ...callFields(options) })

  // Sends a run-starting POST. Streams are retried only when the server surely did nothing (T8): a second
  // stream can neither be adopted nor deduplicated. `recover` adopts the outcome of a lost first attempt.
  // `request` is a thunk so a bad id or body rejects the returned promise instead of throwing.
  function send(
    request: () => RequestOptions<Run>,
    body: { stream?: boolean | null | undefined },
    options: StreamCallOptions | undefined,
  ): ApiPromise<Run | RunStream> {
    const prepare = () => {
      validateParams(body)
      return { ...request(), ...callFields(options), body }
    }
    if (body?.stream !== true) {
      return apiPromise(() => transport.request<Run>(prepare()))
    }
    return apiPromise(async () => {
      const { controller, ...result } = await transport.stream({
        ...prepare(),
        retry: 'safe',
        recover: undefined,
        reconcile: undefined,
      })
      const stream = createRunStream(result.response, {
        signal: options?.signal,
        controller,
        idleTimeoutMs: options?.idleTimeoutMs,
        initialSnapshot: options?.initialSnapshot,
        on: options?.on,
      })
      return { ...result, data: stream }
    })
  }

  // T8: a retried create after a lost response meets "already has an active run": adopt that run.
  async function adoptActiveRun(ids: ThreadIds, assistantId: string, error: ApiError, options?: CallOptions) {
    if (!(error instanceof ActiveRunError)) {
      throw error
    }
    const result = await transport.request<ListResponse<Run>>({
      method: 'GET',
      path: `${threadPath(ids)}/runs`,
      query: { limit: 20, order: 'desc' },
      ...callFields(options),
    })
    const run = result.data.data.find(
      (item) =>
        item.id === error.runId && isActiveRunStatus(item.status) && item.assistant_id === assistantId,
    )
    if (!run) {
      throw error // someone else's run holds the thread: never adopt it
    }
    return { ...result, data: run }
  }

  // T8: a create whose response was lost may still have made a run that already finished (so no "active
  // run" 400 would ever reveal it). Adopt the newest run if it is this assistant's and no older than the
  // request (by the server's Date header, the same clock as created_at; 5 s of slack for rounding and latency).
  async function findCreatedRun(
    ids: ThreadIds,
    assistantId: string,
    elapsedMs: number,
    options?: CallOptions,
  ) {
    const result = await transport.request<ListResponse<Run>>({
      method: 'GET',
      path: `${threadPath(ids)}/runs`,
      query: { limit: 1, order: 'desc' },
      ...callFields(options),
      maxRetries: 0,
    })
    const newest = result.data.data[0]
    const serverNow = Date.parse(result.response.headers.get('date') ?? '') || Date.now()
    if (
      !newest ||
      newest.assistant_id !== assistantId ||
      newest.created_at * 1000 < serverNow - elapsedMs - 5000
    ) {
      return undefined
    }
    return { ...result, data: newest }
  }

  // A lost submit that the server did accept makes the retry fail with 'Runs in status "queued" …'.
  async function adoptSubmitted(ids: RunIds, error: ApiError, options?: CallOptions) {
    if (!(error instanceof RunNotAwaitingOutputsError) || error instanceof RunExpiredError) {
      throw error
    }
    const result = await getRun(ids, options)
    if (['cancelling', 'cancelled', 'expired'].includes(result.data.status)) {
      throw error
    }
    return result
  }

  // Cancel is retried freely; a retry that finds the run already cancelling/cancelled returns the run.
  async function adoptCancelled(
    ids: RunIds,
    error: ApiError,
    options?: CallOptions,
  ): Promise<ApiResult<Run>> {
    if (!(error instanceof CannotCancelRunError)) {
      throw error
    }
    return getRun(ids, options)
  }

  function create(ids: ThreadIds, params: CreateRunParams, options?: StreamCallOptions) {
    const { include, ...body } = params ?? {}
    return send(
      () => ({
        method: 'POST',
        path: `${threadPath(ids)}/runs`,
        query: { include },
        recover: (error) => adoptActiveRun(ids, body.assistant_id, error, options),
        reconcile: (elapsedMs) => findCreatedRun(ids, body.assistant_id, elapsedMs, options),
      }),
      body,
      options,
    )
  }

  function createThreadAndRun(body: CreateThreadAndRunParams, options?: StreamCallOptions) {
    // No thread id exists before the response, so a lost response cannot be reconciled: retry only safely.
    return send(() => ({ method: 'POST', path: '/threads/runs', retry: 'safe' }), body, options)
  }

  function submitToolOutputs(ids: RunIds, body: SubmitToolOutputsParams, options?: StreamCallOptions) {
    return send(
      () => ({
        method: 'POST',
        path: `${runPath(ids)}/submit_tool_outputs`,
        recover: (error) => adoptSubmitted(ids, error, options),
      }),
      body,
      options,
    )
  }

  const resource = {
    create,
    createThreadAndRun,
    submitToolOutputs,
    streamWithTools(ids: ThreadIds, body: Omit<CreateRunParams, 'stream'>, options: StreamWithToolsOptions) {
      return createToolLoop(
        (streamOptions) => create(ids, { ...body, stream: true }, streamOptions) as Promise<RunStream>,
        (runIds, outputs, streamOptions) =>
          submitToolOutputs(
            runIds,
            { tool_outputs: outputs, stream: true },
            streamOptions,
          ) as Promise<RunStream>,
        options,
      )
    },
    list(ids: ThreadIds, query: ListParams = {}, options?: CallOptions) {
      return pagePromise(query, (pageQuery) =>
        transport.request<ListResponse<Run>>({
          method: 'GET',
          path: `${threadPath(ids)}/runs`,
          query: pageQuery,
          ...callFields(options),
        }),
      )
    },
    retrieve(ids: RunIds, options?: CallOptions) {
      return apiPromise(() => getRun(ids, options))
    },
    update(ids: RunIds, body: UpdateRunParams, options?: CallOptions) {
      return apiPromise(() => {
        validateParams(body)
        return transport.request<Run>({ method: 'POST', path: runPath(ids), body, ...callFields(options) })
      })
    },
    cancel(ids: RunIds, options?: CallOptions) {
      return apiPromise(() =>
        transport.request<Run>({
          method: 'POST',
          path: `${runPath(ids)}/cancel`,
          recover: (error) => adoptCancelled(ids, error, options),
          ...callFields(options),
        }),
      )
    },
  } as Omit<RunsResource, keyof RunPolling>
  return { ...resource, ...createRunPolling(transport, resource) }
}
