// Poll helpers: GET the run until it stops (`requires_action` or terminal), honouring the server's
// `openai-poll-after-ms` (clamped) and backing off on unknown statuses (checklist C7).

import type { RunIds, ThreadIds } from './ids.ts'
import type { ApiPromise } from './pagination.ts'
import { apiPromise } from './pagination.ts'
import { type ApiResult, type CallOptions, callFields, type Transport } from './transport.ts'
import type { CreateRunParams, CreateThreadAndRunParams, Run, SubmitToolOutputsParams } from './types.ts'
import { isActiveRunStatus, isTerminalRunStatus } from './types.ts'
import { pathId } from './validate.ts'

/** Options of the poll helpers. */
export type PollOptions = CallOptions & {
  /**
   * Fixed wait between polls in ms; by default the server's `openai-poll-after-ms` (clamped to 100 ms–30 s),
   * else 1000 ms.
   */
  intervalMs?: number | undefined
}

/** The poll helpers of `client.runs`; each resolves to the run once it is `requires_action` or terminal. */
export type RunPolling = {
  /** Polls a run until it needs tool outputs or reaches a terminal status. */
  poll(ids: RunIds, options?: PollOptions): ApiPromise<Run>
  /** Waits for a run to stop (`requires_action` or a terminal status) by polling it; the same as `poll`. */
  waitForRun(ids: RunIds, options?: PollOptions): ApiPromise<Run>
  /**
   * Settles a run whose stream broke off (`RunStreamTruncatedError`, `StreamIdleTimeoutError`): polls it until it
   * stops and returns it. Only GETs: the run is never created again (checklist S7).
   * @example
   * catch (error) { if (error instanceof RunStreamTruncatedError && error.snapshot.run) run = await client.runs.reconcile(ids) }
   */
  reconcile(ids: RunIds, options?: PollOptions): ApiPromise<Run>
  /** Starts a run (never streamed) and polls it. */
  createAndPoll(
    ids: ThreadIds,
    body: CreateRunParams & { stream?: false | null },
    options?: PollOptions,
  ): ApiPromise<Run>
  /** Creates a thread and run (never streamed) and polls the run. */
  createThreadAndRunPoll(
    body: CreateThreadAndRunParams & { stream?: false | null },
    options?: PollOptions,
  ): ApiPromise<Run>
  /** Submits tool outputs (never streamed) and polls the run. */
  submitToolOutputsAndPoll(
    ids: RunIds,
    body: SubmitToolOutputsParams & { stream?: false | null },
    options?: PollOptions,
  ): ApiPromise<Run>
}

const MIN_POLL_MS = 100
const MAX_POLL_MS = 30_000
const DEFAULT_POLL_MS = 1000

/** The wait before the next poll: the caller's interval, else the server's hint (clamped), else 1 s. */
export function pollDelayMs(response: Response, intervalMs: number | undefined): number {
  if (intervalMs !== undefined) {
    return Math.max(0, intervalMs)
  }
  const hint = Number(response.headers.get('openai-poll-after-ms') ?? Number.NaN)
  return Number.isFinite(hint) && hint >= 0
    ? Math.min(Math.max(hint, MIN_POLL_MS), MAX_POLL_MS)
    : DEFAULT_POLL_MS
}

/** A body without `stream: true`. */
type Plain<P> = P & { stream?: false | null | undefined }

/** The plain (never streamed) run-starting calls of `client.runs` that the poll helpers build on. */
type RunCalls = {
  create(ids: ThreadIds, body: Plain<CreateRunParams>, options?: CallOptions): Promise<Run>
  createThreadAndRun(body: Plain<CreateThreadAndRunParams>, options?: CallOptions): Promise<Run>
  submitToolOutputs(ids: RunIds, body: Plain<SubmitToolOutputsParams>, options?: CallOptions): Promise<Run>
}

/** Creates the poll helpers over a transport and the run-starting calls. */
export function createRunPolling(transport: Transport, runs: RunCalls): RunPolling {
  async function pollUntilStopped(ids: RunIds, options: PollOptions | undefined): Promise<ApiResult<Run>> {
    const path = `/threads/${pathId(ids?.threadId, 'threadId')}/runs/${pathId(ids?.runId, 'runId')}`
    let unknownPolls = 0
    for (;;) {
      const result = await transport.request<Run>({ method: 'GET', path, ...callFields(options) })
      const status: string = result.data.status
      if (status === 'requires_action' || isTerminalRunStatus(status)) {
        return result
      }
      // C7: a status from the future is not terminal; poll it with exponential backoff, never busy-loop.
      const delay = isActiveRunStatus(status)
        ? pollDelayMs(result.response, options?.intervalMs)
        : Math.min(DEFAULT_POLL_MS * 2 ** unknownPolls++, MAX_POLL_MS)
      await transport.sleep(delay, options?.signal)
    }
  }

  const pollAfter = (start: () => Promise<Run>, options: PollOptions | undefined) =>
    apiPromise(async () => {
      const run = await start()
      return pollUntilStopped({ threadId: run.thread_id, runId: run.id }, options)
    })

  const poll: RunPolling['poll'] = (ids, options) => apiPromise(() => pollUntilStopped(ids, options))

  return {
    poll,
    waitForRun: poll,
    reconcile: poll,
    createAndPoll: (ids, body, options) =>
      pollAfter(() => runs.create(ids, { ...body, stream: undefined }, callFields(options)), options),
    createThreadAndRunPoll: (body, options) =>
      pollAfter(() => runs.createThreadAndRun({ ...body, stream: undefined }, callFields(options)), options),
    submitToolOutputsAndPoll: (ids, body, options) =>
      pollAfter(
        () => runs.submitToolOutputs(ids, { ...body, stream: undefined }, callFields(options)),
        options,
      ),
  }
}
