// Owns the run stream controller: the engine behind `useRunStream` (or any adapter's), free of any UI framework,
// composed of the stream session (stream-session.ts), cache sync (cache-sync.ts), the polling fallback
// (polling-fallback.ts), the tool runner (tool-runner.ts) and the follow-ups (follow-up-sender.ts), which share one
// `RunStreamRuntime`; this module wires them and holds the public API (checklist C5, C6, C8, S7, S8, S14, F1, F3,
// F10, F11). An adapter subscribes with `subscribe`/`getState` (React: useSyncExternalStore).
import type { QueryClient } from '@tanstack/query-core'
import type { CreateThreadAndRunParams, RunIds } from '../core/index.ts'
import { isActiveRunStatus, ValidationError } from '../core/index.ts'
import { createCacheSync } from './cache-sync.ts'
import { createFollowUpQueue, type IfBusy, type RunStreamCreateBody } from './follow-up-queue.ts'
import { createFollowUpSender } from './follow-up-sender.ts'
import { createPollingFallback } from './polling-fallback.ts'
import {
  activeRunKey,
  IDLE_STATE,
  type RunStreamConfig,
  type RunStreamState,
  storageOf,
  viewOf,
} from './run-stream-state.ts'
import type { RunsClient } from './runs-client.ts'
import { createStreamSession, type RunStreamRuntime } from './stream-session.ts'
import { createToolRunner } from './tool-runner.ts'

/** The controller of one `useRunStream` (or of one stream in another adapter); see `createRunStreamController`. */
export type RunStreamController = ReturnType<typeof createRunStreamController>

/** What `createRunStreamController` needs: the client, the QueryClient it writes into and the options. */
export type RunStreamControllerOptions = {
  client: RunsClient
  queryClient: QueryClient
  /** The options and callbacks, or a function returning the latest (read at each use); see also `setConfig`. */
  config?: RunStreamConfig | (() => RunStreamConfig) | undefined
  /** Coalesce cache writes and notifications to one per animation frame. @defaultValue true */
  coalesce?: boolean | undefined
}

/**
 * Which run `resumeThread` follows: a run's ids, `true` to look for one of the thread (the id kept in `storage`,
 * else the thread's newest run if it is still active; one GET), or `false` for none.
 */
export type RunStreamResume = boolean | RunIds

/**
 * Creates the engine of `useRunStream` for one QueryClient: it streams runs into the entries `runQueries` read and
 * notifies `subscribe`rs of its state. Framework-free: a Vue, Solid or Svelte adapter subscribes as a React hook does.
 * @example
 * const controller = createRunStreamController({ client, queryClient, config: { tools } })
 * const unsubscribe = controller.subscribe(() => render(controller.getState()))
 * await controller.create(threadId, { assistant_id: 'asst_demo' })
 */
export function createRunStreamController(deps: RunStreamControllerOptions) {
  const { client, queryClient } = deps
  let configured = deps.config ?? {}
  const listeners = new Set<() => void>()
  const config = (): RunStreamConfig => (typeof configured === 'function' ? configured() : configured)
  const queue = createFollowUpQueue()
  // Each module adds its functions; they call each other through `rt` (wired before anything runs).
  const rt = { client, config, queue, session: null, state: IDLE_STATE } as unknown as RunStreamRuntime
  Object.assign(rt, createStreamSession(rt))
  const { scheduler, start, ...sync } = createCacheSync(rt, queryClient, listeners, deps.coalesce ?? true)
  Object.assign(rt, sync, createPollingFallback(rt, queryClient))
  const tools = createToolRunner(rt)
  const followUps = createFollowUpSender(rt, start)
  rt.requireAction = tools.requireAction
  rt.next = followUps.next
  const { publish, invalidateThread, cancel, next, stop } = rt
  const { dropFollowUps } = followUps

  function resume(ids: RunIds): void {
    const session = rt.session
    // A disposed session (unmounted, e.g. by StrictMode's test unmount) follows nothing any more.
    if (session && !session.disposed && (session.connection !== 'none' || session.runId === ids.runId)) {
      return
    }
    rt.watch(rt.replace({ threadId: ids.threadId, runId: ids.runId }), ids)
  }

  function storedRunId(threadId: string): string | null {
    try {
      return storageOf(config())?.getItem(activeRunKey(client.baseURL, threadId)) ?? null
    } catch {
      return null
    }
  }

  // PUBLIC

  return {
    /** Subscribes to state changes (for useSyncExternalStore). */
    subscribe(listener: () => void): () => void {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    /** The current state (a new object only when something changed). */
    getState: (): RunStreamState => rt.state,

    /** Replaces the options and callbacks (an adapter passes its latest after each render). */
    setConfig(next: RunStreamConfig | (() => RunStreamConfig)): void {
      configured = next
    },

    /**
     * Starts a streamed run on a thread; `additional_messages` show at once in loaded message lists (C1). While a
     * run is active, `ifBusy` (default: the config's, else `'throw'`) throws `StreamBusyError`, or queues the call
     * (`'queue'`), or cancels that run and queues the call (`'cancel'`).
     */
    create(
      threadId: string | null | undefined,
      body: RunStreamCreateBody,
      ifBusy: IfBusy = config().ifBusy ?? 'throw',
    ): Promise<void> {
      if (ifBusy === 'throw') {
        rt.assertIdle()
      }
      if (!threadId) {
        throw new ValidationError(
          'threadId',
          'useRunStream needs a thread: pass `threadId` to the hook or to create().',
        )
      }
      return ifBusy === 'throw' ? start(threadId, body) : followUps.queue(threadId, body, ifBusy)
    },

    /** Drops a queued follow-up (its `create` rejects with `QueuedRunDroppedError`), or forgets an unsent one. */
    dequeue(id: string): void {
      if (queue.dequeue(id)) {
        publish()
      }
    },

    /** Creates a thread and starts a streamed run on it. */
    createThreadAndRun(body: Omit<CreateThreadAndRunParams, 'stream'>): Promise<void> {
      rt.assertIdle()
      const s = rt.replace({ ownsRun: true })
      return rt.consume(s, (signal) =>
        client.runs.createThreadAndRun({ ...body, stream: true }, rt.streamOptions(signal)),
      )
    },

    /**
     * Submits every output of a run in `requires_action` in one streamed request, merging the UI's outputs with
     * the handlers'; throws (sending nothing) when one is missing or stale, or a submit is in flight (F1, F3, F7).
     * The promise rejects with the typed error when the submit or its stream fails (e.g. `ToolOutputsMismatchError`,
     * `RunExpiredError`), which also goes to `error` and `onError` (F2, F4).
     */
    submitToolOutputs: tools.submitToolOutputs,

    /**
     * Answers a run waiting on `submit_tool_approval` in one streamed request: the recorded decisions, overridden
     * by `decisions` (`{ [callId]: boolean }` or `tool_approvals`); throws (sending nothing) when a call is left
     * undecided, an id is not asked about, no run waits for approvals here, or a submit is in flight.
     */
    submitToolApprovals: tools.submitToolApprovals,

    /** Approves one call of a `submit_tool_approval` run; the approvals are submitted once every call is decided. */
    approve(id: string): void {
      tools.decide(id, true)
    },

    /** Rejects one call of a `submit_tool_approval` run; the approvals are submitted once every call is decided. */
    reject(id: string): void {
      tools.decide(id, false)
    },

    /** Lets an approval-gated call run its handler. */
    approveToolCall: tools.approveToolCall,

    /** Answers an approval-gated call with a refusal the model can read, without running its handler. */
    denyToolCall: tools.denyToolCall,

    /** Follows an existing run by polling (reload-resume); ignored while a stream is open. */
    resume,

    /**
     * Stops following the run (closes the stream, stops polling) without cancelling it on the server (S14); the
     * queued follow-ups are dropped.
     */
    abort(): void {
      const dropped = dropFollowUps('aborted')
      const s = rt.session
      if (!s) {
        if (dropped) {
          publish()
        }
        return
      }
      const live = s.connection !== 'none'
      scheduler.flushNow()
      stop(s)
      rt.session = { ...s, status: live ? 'idle' : s.status, connection: 'none' }
      publish()
      if (live) {
        invalidateThread(s.threadId) // the run goes on: let the queries show the truth
      }
    },

    cancel,

    /**
     * Drops everything of another thread (C6): its stream is aborted, nothing more is written anywhere, and its
     * follow-ups are dropped.
     */
    switchThread(threadId: string | null): void {
      const dropped = dropFollowUps('thread_switched', (run) => run.threadId === threadId)
      const s = rt.session
      if (!s || s.threadId === threadId) {
        if (dropped) {
          publish()
        }
        return
      }
      const live = s.connection !== 'none'
      scheduler.cancel()
      stop(s)
      rt.session = null
      publish()
      if (live) {
        invalidateThread(s.threadId)
      }
      next() // follow-ups made for the new thread
    },

    /** Stops on unmount: the fetch is aborted, the run is never cancelled (S14), follow-ups are dropped. */
    dispose(): void {
      dropFollowUps('unmounted')
      const s = rt.session
      if (s) {
        scheduler.cancel()
        stop(s)
        rt.session = {
          ...s,
          connection: 'none',
          status: s.connection !== 'none' ? 'idle' : s.status,
          disposed: true,
        }
      }
      rt.state = viewOf(rt.session, queue)
      if (s && s.connection !== 'none') {
        invalidateThread(s.threadId)
      }
    },

    /** The run id kept in storage for reload-resume of a thread, or null. */
    storedRunId,

    /**
     * Reload-resume: the API has no stream resume, so an active run is followed by polling (and backfilled). With
     * `true`, the run is the one kept in storage for `threadId`, else the thread's newest run if it is still active
     * (one GET). Returns a function that stops looking (a lookup still in flight then follows nothing).
     */
    resumeThread(threadId: string | null, target: RunStreamResume = true): () => void {
      if (typeof target === 'object') {
        resume(target)
        return () => undefined
      }
      if (!target || !threadId) {
        return () => undefined
      }
      const stored = storedRunId(threadId)
      if (stored) {
        resume({ threadId, runId: stored })
        return () => undefined
      }
      const abort = new AbortController()
      client.runs
        .list({ threadId }, { limit: 1 }, { signal: abort.signal })
        .then((page) => {
          const run = page.data[0]
          if (run && isActiveRunStatus(run.status) && !abort.signal.aborted) {
            resume({ threadId, runId: run.id })
          }
        })
        .catch(() => undefined) // resuming is best effort; the queries report errors
      return () => abort.abort()
    },
  }
}
