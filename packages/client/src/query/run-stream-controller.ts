// Owns the run stream controller: the engine behind `useRunStream` (or any adapter's), free of any UI framework:
// the stream session (one closure over `session`: open, read, fold, status, cancel) and the decisions of cache
// sync, polling, client tools and follow-ups. Their mechanics are plain functions apart: cache-sync.ts (cache
// writes, holds, final lists), polling-fallback.ts (the poll observer, the expiry of requires_action),
// tool-runner.ts (tool calls, handlers, approvals) and follow-up-queue.ts. Over 400 lines because what stays here
// calls itself back at every turn (a stream's end polls, a poll finishes, a finish sends the next follow-up, which
// opens a stream): split into modules over a shared runtime object it cost ~700 B gz (properties do not minify).
// A session is replaced (never mutated back to life) when it stops, so late events of an old stream or of an old
// thread can never write anything (checklist C5, C6, C8, S7, S8, S14, F1, F3, F10, F11). Follow-ups (`ifBusy:
// 'queue' | 'cancel'`) are sent one whenever no run is active. An adapter subscribes with `subscribe`/`getState`
// (React: useSyncExternalStore).
import { MutationObserver, notifyManager, type QueryClient } from '@tanstack/query-core'
import type {
  AnyRunStreamEvent,
  CreateThreadAndRunParams,
  Run,
  RunIds,
  RunStream,
  StreamCallOptions,
  Streaming,
  SubmitToolOutputsParams,
} from '../core/index.ts'
import {
  ActiveRunError,
  isActiveRunStatus,
  isTerminalRunStatus,
  OaiRunsError,
  requiredApprovals,
  StreamIdleTimeoutError,
  StreamTruncatedError,
  ValidationError,
} from '../core/index.ts'
import {
  cancelThreadLists,
  hold,
  invalidateThread,
  refreshLists,
  writeCache,
  writeOptimistic,
} from './cache-sync.ts'
import {
  createFollowUpQueue,
  type FollowUp,
  type IfBusy,
  type QueuedRun,
  type QueuedRunDropReason,
  type RunStreamCreateBody,
} from './follow-up-queue.ts'
import { createFrameScheduler } from './frame-scheduler.ts'
import { cancelRunMutation } from './mutations.ts'
import { pollRun, watchExpiry } from './polling-fallback.ts'
import {
  activeRunKey,
  IDLE_STATE,
  isFinalEvent,
  isRunEvent,
  newSession,
  type RunStreamConfig,
  type RunStreamState,
  type RunStreamStatus,
  reportEvent,
  type Session,
  StreamBusyError,
  storageOf,
  viewOf,
} from './run-stream-state.ts'
import type { RunsClient } from './runs-client.ts'
import { collectApprovals, initialApprovals, type ToolApprovalsInput } from './tool-approvals.ts'
import { collectOutputs, failedCalls, type ToolOutputsInput } from './tool-calls.ts'
import { awaitingApproval, awaitingDecision, runHandler, toolCallsOf, updateCall } from './tool-runner.ts'

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
  let session: Session | null = null
  let state: RunStreamState = IDLE_STATE
  const queue = createFollowUpQueue()
  const scheduler = createFrameScheduler(flush, deps.coalesce ?? true)
  const config = (): RunStreamConfig => (typeof configured === 'function' ? configured() : configured)
  const streamOptions = (signal: AbortSignal): StreamCallOptions => ({
    signal,
    idleTimeoutMs: config().idleTimeoutMs,
  })

  // CACHE AND VIEW

  // One flush: the cache writes and the view change notify together, so each frame renders once.
  function flush(): void {
    notifyManager.batch(() => {
      if (session) {
        syncSnapshot(session)
        writeCache(queryClient, client, session)
      }
      state = viewOf(session, queue)
      notifyManager.schedule(() => {
        for (const listener of listeners) {
          listener()
        }
      })
    })
  }

  // A6: the RunStream already folds each event; its snapshot is read (copied on write) at most once per flush.
  function syncSnapshot(s: Session): void {
    if (s.stream) {
      s.snapshot = s.stream.snapshot()
    }
  }

  function publish(): void {
    scheduler.cancel()
    flush()
  }

  // SESSIONS

  // Lets the thread's queries refresh on their own again.
  function unhold(s: Session): void {
    s.release?.()
    s.release = null
  }

  function unwatch(s: Session): void {
    s.stopWatch?.()
    s.stopWatch = null
  }

  // Stops everything a session owns (fetch, polling, hold); the caller replaces `session`.
  function stop(s: Session): void {
    s.abort.abort()
    unwatch(s)
    unhold(s)
  }

  // The session stopped following the run, with `status`.
  function settle(s: Session, status: RunStreamStatus): void {
    s.status = status
    s.connection = 'none'
    s.cancelling = false
  }

  // The session's run ids, once both are known.
  function idsOf(s: Session): RunIds | null {
    return s.threadId && s.runId ? { threadId: s.threadId, runId: s.runId } : null
  }

  function persist(s: Session): void {
    if (s.threadId && s.runId) {
      try {
        storageOf(config())?.setItem(activeRunKey(client.baseURL, s.threadId), s.runId)
      } catch {
        // a full or blocked storage only costs reload-resume
      }
    }
  }

  function forget(threadId: string | null): void {
    if (threadId) {
      try {
        storageOf(config())?.removeItem(activeRunKey(client.baseURL, threadId))
      } catch {
        // see persist
      }
    }
  }

  // `reading`: called on the terminal event of a stream still being read; the `done` frame closes it.
  function finish(s: Session, run: Run, reading = false): void {
    if (reading) {
      unhold(s)
    } else {
      stop(s)
    }
    s.snapshot = s.snapshot.run === run ? s.snapshot : { ...s.snapshot, run }
    settle(s, 'done')
    forget(s.threadId)
    publish()
    // Whatever the run's end (completed, failed, cancelled…), the thread is free: the next follow-up goes.
    void refreshLists(queryClient, client, s, run).then(next)
    if (isTerminalRunStatus(run.status)) {
      config().onFinish?.({ run, reason: run.status })
    }
  }

  function fail(s: Session, error: Error): void {
    stop(s)
    settle(s, 'error')
    s.error = error
    publish()
    if (s.snapshot.run) {
      invalidateThread(queryClient, client, s.threadId)
    }
    config().onError?.(error)
    next() // if the run still goes on, the server says so (ActiveRunError) and the follow-up waits for it
  }

  function onEvent(s: Session, event: AnyRunStreamEvent): void {
    const data = event.data as { id?: string } | null
    if (event.event === 'thread.created' && data?.id) {
      s.threadId ??= data.id
      hold(client, s, data.id)
    } else if (isRunEvent(event)) {
      const run = s.snapshot.run
      if (run) {
        const isNew = s.runId !== run.id
        s.runId = run.id
        s.threadId = run.thread_id
        hold(client, s, run.thread_id)
        if (isNew) {
          persist(s)
          if (s.cancelling) {
            void cancel() // asked for while the run was being created (`ifBusy: 'cancel'`)
          }
          // C2: the run is written into the thread's run lists at the next flush; an older refresh must not
          // land after it (the cancel reverts synchronously, before that write).
          void cancelThreadLists(queryClient, client, run.thread_id)
        }
        if (run.status === 'cancelling' || isTerminalRunStatus(run.status)) {
          s.cancelling = false
        }
      }
    }
    reportEvent(config(), event)
  }

  // Reads a stream into the session. Failures go to state and onError; with `rethrow` (submitToolOutputs) the
  // returned promise also rejects with the typed error, so a form can show it per field (F2, F4).
  async function consume(
    s: Session,
    open: (signal: AbortSignal) => Promise<RunStream>,
    options: {
      before?: Promise<unknown>
      rollback?: () => void
      rethrow?: boolean
      /** Handles a refused request instead of failing the session (true when handled). */
      refused?: ((error: Error) => boolean) | undefined
    } = {},
  ): Promise<void> {
    publish()
    const failWith = (error: Error) => {
      if (s === session) {
        fail(s, error)
      }
      if (options.rethrow) {
        throw error
      }
    }
    let stream: RunStream
    try {
      await options.before
      stream = await open(s.abort.signal)
    } catch (error) {
      options.rollback?.()
      if (s === session && options.refused?.(error as Error)) {
        return
      }
      return failWith(error as Error)
    }
    s.stream = stream
    try {
      for await (const event of stream) {
        if (s !== session) {
          return // superseded: `return` closes the connection
        }
        if (isRunEvent(event) || isFinalEvent(event)) {
          syncSnapshot(s) // the run's ids and status are needed now
        }
        onEvent(s, event)
        const run = s.snapshot.run
        if (run && isTerminalRunStatus(run.status) && s.status === 'streaming' && isRunEvent(event)) {
          finish(s, run, true) // A5: `done` at once; the frame after it only closes the stream
        } else if (isFinalEvent(event)) {
          publish()
        } else {
          scheduler.schedule()
        }
      }
    } catch (error) {
      syncSnapshot(s)
      s.stream = null
      if (s !== session || s.abort.signal.aborted) {
        return
      }
      // S7, S8: the run may well go on; follow it by polling and backfill what the stream missed.
      const ids = idsOf(s)
      if ((error instanceof StreamTruncatedError || error instanceof StreamIdleTimeoutError) && ids) {
        watch(s, ids)
        return
      }
      return failWith(error as Error)
    }
    syncSnapshot(s)
    s.stream = null
    if (s !== session || s.status === 'done') {
      return
    }
    const run = s.snapshot.run
    const ids = idsOf(s)
    if (run?.status === 'requires_action') {
      requireAction(s, run)
    } else if (run && isTerminalRunStatus(run.status)) {
      finish(s, run)
    } else if (ids) {
      watch(s, ids)
    } else {
      failWith(new OaiRunsError('The stream ended before the run was created.'))
    }
  }

  function assertIdle(): void {
    if (session && session.connection === 'stream') {
      throw new StreamBusyError('A run is already streaming here; abort() or cancel() it first.')
    }
  }

  function replace(init: Partial<Session>): Session {
    if (session) {
      stop(session)
    }
    const s = newSession(init)
    session = s
    return s
  }

  // POLLING (after a dropped stream, or to resume a run after a reload)

  function watch(s: Session, ids: RunIds): void {
    unwatch(s) // e.g. the expiry timer of a run in requires_action that is cancelled
    unhold(s)
    s.connection = 'poll'
    s.status = 'streaming'
    s.ownsRun = false // the stream (if any) missed events: its step list is no longer complete
    s.threadId = ids.threadId
    s.runId = ids.runId
    persist(s)
    publish()
    invalidateThread(queryClient, client, ids.threadId) // backfill steps and messages the stream did not deliver
    pollRun(
      queryClient,
      client,
      s,
      ids,
      (result) => {
        if (s !== session || s.connection !== 'poll') {
          return false
        }
        const run = result.data
        if (result.isError && result.fetchStatus === 'idle') {
          fail(s, result.error)
          return false
        }
        if (!run || result.isFetching) {
          return false
        }
        if (run !== s.snapshot.run) {
          s.snapshot = { ...s.snapshot, run }
        }
        if (run.status === 'requires_action') {
          requireAction(s, run)
        } else if (isTerminalRunStatus(run.status)) {
          finish(s, run)
        } else {
          return true
        }
        return false
      },
      scheduler.schedule,
    )
  }

  // CLIENT TOOLS

  function requireAction(s: Session, run: Run): void {
    unwatch(s)
    unhold(s)
    settle(s, 'requires_action')
    if (run.required_action?.type === 'submit_tool_approval') {
      // The host runs these calls itself once approved: nothing runs here, the user decides (approve/reject).
      s.toolCalls = []
      s.approvals = initialApprovals(requiredApprovals(run))
      s.error = null
      publish()
      config().onRequiresAction?.({ run, toolCalls: s.toolCalls, approvals: s.approvals })
      expireLater(s, run)
      return
    }
    s.toolCalls = toolCallsOf(run, config())
    s.approvals = []
    s.error = failedCalls(s.toolCalls)
    publish()
    config().onRequiresAction?.({ run, toolCalls: s.toolCalls, approvals: s.approvals })
    for (const call of s.toolCalls) {
      if (call.status === 'running') {
        runHandler(s, run, call.id, config().tools, () => maybeSubmit(s))
      }
    }
    maybeSubmit(s)
    expireLater(s, run)
  }

  // Looks for the expiry of a run left waiting (see polling-fallback.ts).
  function expireLater(s: Session, run: Run): void {
    const ids = idsOf(s)
    if (ids) {
      const waiting = () => s === session && s.status === 'requires_action' && s.connection === 'none'
      watchExpiry(queryClient, client, s, ids, run, waiting, (latest) => finish(s, latest))
    }
  }

  // F10: submit only when every call has an output; a failed handler blocks the submit and is reported by name.
  function maybeSubmit(s: Session): void {
    if (s !== session || s.status !== 'requires_action' || s.toolCalls.length === 0) {
      return
    }
    const pending = s.toolCalls.some(
      (call) => call.status === 'running' || call.status === 'awaiting_approval',
    )
    const failed = failedCalls(s.toolCalls)
    s.error = failed
    if (pending || failed || s.toolCalls.some((call) => call.status === 'manual')) {
      publish()
      const key = failed ? failed.calls.map((call) => call.id).join(',') : ''
      if (failed && !pending && key !== s.reported) {
        s.reported = key
        config().onError?.(failed)
      }
      return
    }
    // Errors reach state and onError; nobody awaits this automatic submit.
    submit(s, { tool_outputs: collectOutputs(s.toolCalls) }).catch(() => undefined)
  }

  // Records one decision; once every call is decided, the approvals are submitted (like the last denied tool call).
  function decide(id: string, approve: boolean): void {
    const s = awaitingDecision(session, id)
    if (!s || s.connection === 'stream') {
      return
    }
    s.approvals = s.approvals.map((call) =>
      call.id === id ? { ...call, decision: approve ? 'approved' : 'rejected' } : call,
    )
    publish()
    if (s.approvals.every((call) => call.decision !== 'pending')) {
      // Errors reach state and onError; nobody awaits this automatic submit.
      submit(s, { tool_approvals: collectApprovals(s.approvals) }).catch(() => undefined)
    }
  }

  type SubmitBody =
    | { tool_outputs: SubmitToolOutputsParams['tool_outputs'] & {} }
    | { tool_approvals: SubmitToolOutputsParams['tool_approvals'] & {} }

  function submit(previous: Session, answer: SubmitBody): Promise<void> {
    const ids = { threadId: previous.threadId!, runId: previous.runId! }
    const s = replace({
      ...ids,
      snapshot: previous.snapshot,
      written: previous.written,
      ownsRun: previous.ownsRun,
      toolCalls: previous.toolCalls,
      approvals: previous.approvals,
    })
    hold(client, s, ids.threadId)
    return consume(
      s,
      (signal) =>
        client.runs.submitToolOutputs(
          ids,
          { ...answer, stream: true } as Streaming<SubmitToolOutputsParams>,
          { ...streamOptions(signal), initialSnapshot: previous.snapshot },
        ),
      { rethrow: true },
    )
  }

  // CREATE AND FOLLOW-UPS

  // Starts a streamed run on a thread; `additional_messages` show at once in loaded message lists (C1).
  function start(
    threadId: string,
    body: RunStreamCreateBody,
    refused?: (error: Error) => boolean,
  ): Promise<void> {
    const s = replace({ threadId, ownsRun: true })
    hold(client, s, threadId)
    return consume(
      s,
      (signal) => client.runs.create({ threadId }, { ...body, stream: true }, streamOptions(signal)),
      { ...writeOptimistic(queryClient, client, threadId, body), refused },
    )
  }

  // A run is active here: a stream (or a create, or a submit) is open, a run is polled, or one waits for outputs.
  function busy(): boolean {
    return !!session && (session.connection !== 'none' || session.status === 'requires_action')
  }

  // Sends the oldest follow-up when nothing is active.
  function next(): void {
    if (!busy()) {
      const item = queue.shift()
      if (item) {
        send(item)
      }
    }
  }

  // A follow-up that meets a run the server says is active (started elsewhere) follows it and waits again; its
  // promise settles when its own stream is over, or rejects when its run was never created (body in `unsent`).
  function send(item: FollowUp): void {
    let waitingAgain = false
    const done = start(item.run.threadId, item.run.body, (error) => {
      if (!(error instanceof ActiveRunError) || item.waited === error.runId) {
        return false
      }
      item.waited = error.runId
      waitingAgain = true
      queue.unshift(item)
      const ids = { threadId: error.threadId, runId: error.runId }
      watch(replace(ids), ids)
      if (item.mode === 'cancel') {
        void cancel()
      }
      return true
    })
    const s = session!
    s.followUp = item
    void done.then(() => {
      if (waitingAgain) {
        return // queued again (and maybe sent again): that send settles it
      }
      if (s.runId) {
        item.settle()
      } else {
        queue.fail(item, s.error ?? new OaiRunsError('The run was not created.'))
        publish()
      }
    })
  }

  // Drops follow-ups (see `queue.drop`), and the one whose create is in flight without a run yet.
  function dropFollowUps(reason: QueuedRunDropReason, keep?: (run: QueuedRun) => boolean): boolean {
    const s = session
    return queue.drop(reason, keep, s && !s.runId ? s.followUp : null)
  }

  /** Cancels the run on the server, showing `cancelling` at once; rolls back if the request fails (F11). */
  function cancel(): Promise<void> {
    const s = session
    const ids = s && idsOf(s)
    if (!s || !ids) {
      return Promise.resolve()
    }
    s.cancelling = true
    publish()
    const observer = new MutationObserver(queryClient, cancelRunMutation(client))
    return observer.mutate(ids).then(
      (run) => {
        // An open stream reports the cancellation itself; a run that ended meanwhile is already finished.
        if (s !== session || s.connection === 'stream' || s.status === 'done') {
          return
        }
        if (isTerminalRunStatus(run.status)) {
          finish(s, run)
        } else if (s.connection === 'none') {
          watch(s, ids)
        }
      },
      (error: Error) => {
        if (s === session) {
          s.cancelling = false
          s.error = error
          publish()
          config().onError?.(error)
        }
      },
    )
  }

  function resume(ids: RunIds): void {
    // A disposed session (unmounted, e.g. by StrictMode's test unmount) follows nothing any more.
    if (session && !session.disposed && (session.connection !== 'none' || session.runId === ids.runId)) {
      return
    }
    watch(replace({ threadId: ids.threadId, runId: ids.runId }), ids)
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
    getState: (): RunStreamState => state,

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
        assertIdle()
      }
      if (!threadId) {
        throw new ValidationError(
          'threadId',
          'useRunStream needs a thread: pass `threadId` to the hook or to create().',
        )
      }
      if (ifBusy === 'throw') {
        return start(threadId, body)
      }
      const queued = queue.add(threadId, body, ifBusy)
      if (ifBusy === 'cancel' && busy()) {
        session!.cancelling = true // if its create is still in flight, its run is cancelled once it exists
        void cancel()
      }
      next()
      publish()
      return queued
    },

    /** Drops a queued follow-up (its `create` rejects with `QueuedRunDroppedError`), or forgets an unsent one. */
    dequeue(id: string): void {
      if (queue.dequeue(id)) {
        publish()
      }
    },

    /** Creates a thread and starts a streamed run on it. */
    createThreadAndRun(body: Omit<CreateThreadAndRunParams, 'stream'>): Promise<void> {
      assertIdle()
      const s = replace({ ownsRun: true })
      return consume(s, (signal) =>
        client.runs.createThreadAndRun({ ...body, stream: true }, streamOptions(signal)),
      )
    },

    /**
     * Submits every output of a run in `requires_action` in one streamed request, merging the UI's outputs with
     * the handlers'; throws (sending nothing) when one is missing or stale, or a submit is in flight (F1, F3, F7).
     * The promise rejects with the typed error when the submit or its stream fails (e.g. `ToolOutputsMismatchError`,
     * `RunExpiredError`), which also goes to `error` and `onError` (F2, F4).
     */
    submitToolOutputs(outputs?: ToolOutputsInput): Promise<void> {
      assertIdle()
      const s = session
      if (s?.status !== 'requires_action' || !s.threadId || !s.runId) {
        throw new OaiRunsError('No run here is waiting for tool outputs.')
      }
      return submit(s, { tool_outputs: collectOutputs(s.toolCalls, outputs) })
    },

    /**
     * Answers a run waiting on `submit_tool_approval` in one streamed request: the recorded decisions, overridden
     * by `decisions` (`{ [callId]: boolean }` or `tool_approvals`); throws (sending nothing) when a call is left
     * undecided, an id is not asked about, no run waits for approvals here, or a submit is in flight.
     */
    submitToolApprovals(decisions?: ToolApprovalsInput): Promise<void> {
      assertIdle()
      const s = session
      if (s?.status !== 'requires_action' || !s.threadId || !s.runId || s.approvals.length === 0) {
        throw new OaiRunsError('No run here is waiting for tool approvals.')
      }
      const body = collectApprovals(s.approvals, decisions)
      const approved = new Map(body.map((item) => [item.tool_call_id, item.approve]))
      s.approvals = s.approvals.map((call) => ({
        ...call,
        decision: approved.get(call.id) ? 'approved' : 'rejected',
      }))
      return submit(s, { tool_approvals: body })
    },

    /** Approves one call of a `submit_tool_approval` run; the approvals are submitted once every call is decided. */
    approve(id: string): void {
      decide(id, true)
    },

    /** Rejects one call of a `submit_tool_approval` run; the approvals are submitted once every call is decided. */
    reject(id: string): void {
      decide(id, false)
    },

    /** Lets an approval-gated call run its handler. */
    approveToolCall(id: string): void {
      const s = awaitingApproval(session, id)
      const run = s?.snapshot.run
      if (s && run) {
        updateCall(s, id, { status: 'running' })
        publish()
        runHandler(s, run, id, config().tools, () => maybeSubmit(s))
      }
    },

    /** Answers an approval-gated call with a refusal the model can read, without running its handler. */
    denyToolCall(id: string, reason = 'The user denied this tool call.'): void {
      const s = awaitingApproval(session, id)
      if (s) {
        updateCall(s, id, { status: 'denied', output: JSON.stringify({ error: reason }) })
        maybeSubmit(s)
      }
    },

    /** Follows an existing run by polling (reload-resume); ignored while a stream is open. */
    resume,

    /**
     * Stops following the run (closes the stream, stops polling) without cancelling it on the server (S14); the
     * queued follow-ups are dropped.
     */
    abort(): void {
      const dropped = dropFollowUps('aborted')
      const s = session
      if (!s) {
        if (dropped) {
          publish()
        }
        return
      }
      const live = s.connection !== 'none'
      scheduler.flushNow()
      stop(s)
      session = { ...s, status: live ? 'idle' : s.status, connection: 'none' }
      publish()
      if (live) {
        invalidateThread(queryClient, client, s.threadId) // the run goes on: let the queries show the truth
      }
    },

    cancel,

    /**
     * Drops everything of another thread (C6): its stream is aborted, nothing more is written anywhere, and its
     * follow-ups are dropped.
     */
    switchThread(threadId: string | null): void {
      const dropped = dropFollowUps('thread_switched', (run) => run.threadId === threadId)
      const s = session
      if (!s || s.threadId === threadId) {
        if (dropped) {
          publish()
        }
        return
      }
      const live = s.connection !== 'none'
      scheduler.cancel()
      stop(s)
      session = null
      publish()
      if (live) {
        invalidateThread(queryClient, client, s.threadId)
      }
      next() // follow-ups made for the new thread
    },

    /** Stops on unmount: the fetch is aborted, the run is never cancelled (S14), follow-ups are dropped. */
    dispose(): void {
      dropFollowUps('unmounted')
      const s = session
      if (s) {
        scheduler.cancel()
        stop(s)
        session = {
          ...s,
          connection: 'none',
          status: s.connection !== 'none' ? 'idle' : s.status,
          disposed: true,
        }
      }
      state = viewOf(session, queue)
      if (s && s.connection !== 'none') {
        invalidateThread(queryClient, client, s.threadId)
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
