// Owns the stream session: opening and reading a RunStream, folding its events, the run's ids, status and
// cancelling flag, and reload-resume storage. It knows no QueryClient: what it needs of the cache sync, the polling
// fallback, the tool runner and the follow-ups it calls through the runtime the controller wires (`RunStreamRuntime`).
// A session is replaced (never mutated back to life) when it stops, so late events of an old stream or of an old
// thread can never write anything (checklist C5, C6, S7, S8).
import type { AnyRunStreamEvent, Run, RunIds, RunStream, StreamCallOptions } from '../core/index.ts'
import {
  emptyRunSnapshot,
  isTerminalRunStatus,
  OaiRunsError,
  StreamIdleTimeoutError,
  StreamTruncatedError,
} from '../core/index.ts'
import type { FollowUpQueue } from './follow-up-queue.ts'
import {
  activeRunKey,
  isFinalEvent,
  isRunEvent,
  type RunStreamConfig,
  type RunStreamState,
  type RunStreamStatus,
  type Session,
  StreamBusyError,
  storageOf,
} from './run-stream-state.ts'
import type { RunsClient } from './runs-client.ts'

/**
 * The shared state of one controller and the functions its modules lend each other (internal): the controller
 * creates it, and each module (this one, cache sync, polling fallback, tool runner, follow-ups) adds its own.
 */
export type RunStreamRuntime = {
  readonly client: RunsClient
  readonly config: () => RunStreamConfig
  readonly queue: FollowUpQueue
  /** The current session; the one whose events may still write (`s === rt.session`). */
  session: Session | null
  /** What `getState` returns. */
  state: RunStreamState
  // stream session (this module)
  replace(init: Partial<Session>): Session
  stop(s: Session): void
  settle(s: Session, status: RunStreamStatus): void
  idsOf(s: Session): RunIds | null
  persist(s: Session): void
  forget(threadId: string | null): void
  unwatch(s: Session): void
  unhold(s: Session): void
  streamOptions(signal: AbortSignal): StreamCallOptions
  consume(
    s: Session,
    open: (signal: AbortSignal) => Promise<RunStream>,
    options?: ConsumeOptions,
  ): Promise<void>
  busy(): boolean
  assertIdle(): void
  // cache sync
  publish(): void
  schedule(): void
  hold(s: Session, threadId: string): void
  invalidateThread(threadId: string | null, except?: Run | null): void
  cancelThreadLists(threadId: string): Promise<unknown>
  finish(s: Session, run: Run, reading?: boolean): void
  fail(s: Session, error: Error): void
  cancel(): Promise<void>
  // polling fallback
  watch(s: Session, ids: RunIds): void
  watchExpiry(s: Session, run: Run, attempt: number): void
  // tool runner
  requireAction(s: Session, run: Run): void
  // follow-ups
  next(): void
}

/** How `consume` handles a failed open or stream. */
export type ConsumeOptions = {
  before?: Promise<unknown>
  rollback?: (() => void) | undefined
  rethrow?: boolean
  /** Handles a refused request instead of failing the session (true when handled). */
  refused?: ((error: Error) => boolean) | undefined
}

// A6: the RunStream already folds each event; its snapshot is read (copied on write) at most once per flush.
export function syncSnapshot(s: Session): void {
  if (s.stream) {
    s.snapshot = s.stream.snapshot()
  }
}

/** The stream session's part of the runtime. */
export function createStreamSession(rt: RunStreamRuntime) {
  const { client, config } = rt

  function unhold(s: Session): void {
    // Lets the thread's queries refresh on their own again.
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

  function onEvent(s: Session, event: AnyRunStreamEvent): void {
    const data = event.data as { id?: string } | null
    if (event.event === 'thread.created' && data?.id) {
      s.threadId ??= data.id
      rt.hold(s, data.id)
    } else if (isRunEvent(event)) {
      const run = s.snapshot.run
      if (run) {
        const isNew = s.runId !== run.id
        s.runId = run.id
        s.threadId = run.thread_id
        rt.hold(s, run.thread_id)
        if (isNew) {
          persist(s)
          if (s.cancelling) {
            void rt.cancel() // asked for while the run was being created (`ifBusy: 'cancel'`)
          }
          // C2: the run is written into the thread's run lists at the next flush; an older refresh must not
          // land after it (the cancel reverts synchronously, before that write).
          void rt.cancelThreadLists(run.thread_id)
        }
        if (run.status === 'cancelling' || isTerminalRunStatus(run.status)) {
          s.cancelling = false
        }
      }
    }
    const { onEvent: onAnyEvent, onTextDelta } = config()
    onAnyEvent?.(event)
    if (onTextDelta && event.event === 'thread.message.delta' && !('unknown' in event)) {
      for (const part of event.data.delta?.content ?? []) {
        if (part.type === 'text' && typeof part.text?.value === 'string' && part.text.value !== '') {
          onTextDelta(part.text.value, { messageId: event.data.id })
        }
      }
    }
  }

  // Reads a stream into the session. Failures go to state and onError; with `rethrow` (submitToolOutputs) the
  // returned promise also rejects with the typed error, so a form can show it per field (F2, F4).
  async function consume(
    s: Session,
    open: (signal: AbortSignal) => Promise<RunStream>,
    options: ConsumeOptions = {},
  ): Promise<void> {
    rt.publish()
    const failWith = (error: Error) => {
      if (s === rt.session) {
        rt.fail(s, error)
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
      if (s === rt.session && options.refused?.(error as Error)) {
        return
      }
      return failWith(error as Error)
    }
    s.stream = stream
    try {
      for await (const event of stream) {
        if (s !== rt.session) {
          return // superseded: `return` closes the connection
        }
        if (isRunEvent(event) || isFinalEvent(event)) {
          syncSnapshot(s) // the run's ids and status are needed now
        }
        onEvent(s, event)
        const run = s.snapshot.run
        if (run && isTerminalRunStatus(run.status) && s.status === 'streaming' && isRunEvent(event)) {
          rt.finish(s, run, true) // A5: `done` at once; the frame after it only closes the stream
        } else if (isFinalEvent(event)) {
          rt.publish()
        } else {
          rt.schedule()
        }
      }
    } catch (error) {
      syncSnapshot(s)
      s.stream = null
      if (s !== rt.session || s.abort.signal.aborted) {
        return
      }
      // S7, S8: the run may well go on; follow it by polling and backfill what the stream missed.
      const ids = idsOf(s)
      if ((error instanceof StreamTruncatedError || error instanceof StreamIdleTimeoutError) && ids) {
        rt.watch(s, ids)
        return
      }
      return failWith(error as Error)
    }
    syncSnapshot(s)
    s.stream = null
    if (s !== rt.session || s.status === 'done') {
      return
    }
    const run = s.snapshot.run
    const ids = idsOf(s)
    if (run?.status === 'requires_action') {
      rt.requireAction(s, run)
    } else if (run && isTerminalRunStatus(run.status)) {
      rt.finish(s, run)
    } else if (ids) {
      rt.watch(s, ids)
    } else {
      failWith(new OaiRunsError('The stream ended before the run was created.'))
    }
  }

  function replace(init: Partial<Session>): Session {
    if (rt.session) {
      stop(rt.session)
    }
    const s: Session = {
      abort: new AbortController(),
      threadId: null,
      runId: null,
      snapshot: emptyRunSnapshot(),
      written: emptyRunSnapshot(),
      ownsRun: false,
      status: 'streaming',
      connection: 'stream',
      toolCalls: [],
      approvals: [],
      error: null,
      cancelling: false,
      reported: '',
      release: null,
      stopWatch: null,
      stream: null,
      followUp: null,
      disposed: false,
      ...init,
    }
    s.written = init.written ?? s.snapshot
    rt.session = s
    return s
  }

  return {
    replace,
    stop,
    settle,
    idsOf,
    persist,
    forget,
    unwatch,
    unhold,
    consume,
    streamOptions: (signal: AbortSignal): StreamCallOptions => ({
      signal,
      idleTimeoutMs: config().idleTimeoutMs,
    }),
    // A run is active here: a stream (or a create, or a submit) is open, a run is polled, or one waits for outputs.
    busy(): boolean {
      const s = rt.session
      return !!s && (s.connection !== 'none' || s.status === 'requires_action')
    },
    assertIdle(): void {
      if (rt.session && rt.session.connection === 'stream') {
        throw new StreamBusyError('A run is already streaming here; abort() or cancel() it first.')
      }
    },
  }
}
