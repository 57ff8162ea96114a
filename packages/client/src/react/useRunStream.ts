'use client'
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { RunIds } from '../core/index.ts'
import type { IfBusy, RunStreamCreateBody } from '../query/follow-up-queue.ts'
import { createRunStreamController, type RunStreamController } from '../query/run-stream-controller.ts'
import type { RunStreamConfig, RunStreamState } from '../query/run-stream-state.ts'
import { useRunsClient } from './RunsClientProvider.tsx'

/** Options of one `useRunStream().create` call: its thread (else the hook's) and what to do while a run is active. */
export type RunStreamCreateOptions = {
  threadId?: string | undefined
  /** Overrides the hook's `ifBusy` for this call. */
  ifBusy?: IfBusy | undefined
}

/** Options of `useRunStream`. */
export type UseRunStreamOptions = RunStreamConfig & {
  /** The thread this hook works on; changing it aborts a stream of the previous thread (checklist C6). */
  threadId?: string | null | undefined
  /**
   * Resume watching a run after a reload: a run's ids, `true` to look for one of `threadId` (the id kept in
   * `storage`, else the thread's newest run if it is still active; one GET), or `false`. @defaultValue true
   */
  resume?: boolean | RunIds | undefined
  /** Coalesce cache writes and re-renders to one per animation frame. @defaultValue true */
  coalesce?: boolean | undefined
  /**
   * Which state properties re-render the component when they change: by default the ones it has read (as
   * react-query's tracked results: every change until one is read), so a component that never reads `snapshot`
   * skips the frames of a streaming reply; `'all'` re-renders on every change; a list names them.
   */
  notifyOnChangeProps?: 'all' | readonly (keyof RunStreamState)[] | undefined
}

/** What `useRunStream` returns besides its state: the controller's actions, and `create` on the hook's thread. */
export type UseRunStreamActions = Pick<
  RunStreamController,
  | 'dequeue'
  | 'createThreadAndRun'
  | 'submitToolOutputs'
  | 'approveToolCall'
  | 'denyToolCall'
  | 'approve'
  | 'reject'
  | 'submitToolApprovals'
  | 'abort'
  | 'cancel'
> & {
  /** Starts a streamed run on `options.threadId`, else the hook's thread (see `RunStreamCreateOptions`). */
  create: (body: RunStreamCreateBody, options?: RunStreamCreateOptions) => Promise<void>
}

/** The result of `useRunStream`: its state (each property tracked when read) and its actions. */
export type UseRunStreamResult = RunStreamState & UseRunStreamActions

/** The state keys of `useRunStream`'s result, each read through a getter that tracks it. */
const STATE_KEYS = Object.keys({
  status: 0,
  runStatus: 0,
  connection: 0,
  threadId: 0,
  runId: 0,
  run: 0,
  snapshot: 0,
  toolCalls: 0,
  approvals: 0,
  error: 0,
  queued: 0,
  unsent: 0,
} satisfies Record<keyof RunStreamState, 0>) as (keyof RunStreamState)[]

/** True when one of `keys` differs between the two states. */
function changedIn(keys: Iterable<keyof RunStreamState>, a: RunStreamState, b: RunStreamState): boolean {
  for (const key of keys) {
    if (!Object.is(a[key], b[key])) {
      return true
    }
  }
  return false
}

/**
 * Streams a run into the react-query cache: `create`/`createThreadAndRun` start one, `submitToolOutputs` (or the
 * `tools` handlers) continue it, and `useRun`/`useRunSteps`/`useThreadMessages` show it live from the same entries.
 * With `ifBusy: 'queue' | 'cancel'`, `create` during an active run becomes a follow-up listed in `queued`.
 * @example
 * const stream = useRunStream({ threadId, tools: { get_weather: async ({ city }) => ({ city, celsius: 21 }) } })
 * stream.create({ assistant_id: 'asst_demo', additional_messages: [{ role: 'user', content: text }] })
 */
export function useRunStream(options: UseRunStreamOptions = {}): UseRunStreamResult {
  const client = useRunsClient()
  const queryClient = useQueryClient()
  const [controller] = useState(() =>
    createRunStreamController({ client, queryClient, config: options, coalesce: options.coalesce }),
  )
  // The properties this component read (see `notifyOnChangeProps`), kept across renders as react-query does.
  const tracked = useRef(new Set<keyof RunStreamState>())
  const notifyOn = useRef(options.notifyOnChangeProps)
  // As react-query's useBaseQuery with its observer: the controller is an external store, whose changes to
  // properties nobody read do not wake React. A render for another reason still reads the latest state.
  const [subscribe] = useState(() => (onStoreChange: () => void) => {
    let last = controller.getState()
    return controller.subscribe(() => {
      const next = controller.getState()
      // Until a property is read, every change notifies (as react-query's observer with no tracked props).
      const keys = notifyOn.current ?? (tracked.current.size > 0 ? tracked.current : 'all')
      const changed = keys === 'all' ? next !== last : changedIn(keys, next, last)
      last = next
      if (changed) {
        onStoreChange()
      }
    })
  })
  useSyncExternalStore(subscribe, controller.getState, controller.getState)
  const threadId = options.threadId ?? null
  const resume = options.resume ?? true
  const resumeKey = typeof resume === 'object' ? `${resume.threadId}/${resume.runId}` : String(resume)

  // The latest options and callbacks, handed over after each commit (never during render); declared first, so the
  // effects below and every later event read them.
  useEffect(() => {
    controller.setConfig(options)
    notifyOn.current = options.notifyOnChangeProps
  })

  useEffect(() => () => controller.dispose(), [controller])

  useEffect(() => {
    controller.switchThread(threadId)
  }, [controller, threadId])

  // Reload-resume (the controller chooses the run); `resumeKey` stands for `resume`.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `resumeKey` stands for `resume`
  useEffect(() => controller.resumeThread(threadId, resume), [controller, threadId, resumeKey])

  const result = {
    // The thread: create()'s own, else the hook's, else the one this hook's createThreadAndRun made (read now:
    // this render may predate it). Invalid calls (no thread, busy) reject like every other failure of the
    // returned promise instead of throwing.
    create: (body: RunStreamCreateBody, options?: RunStreamCreateOptions) => {
      try {
        const own = options?.threadId ?? threadId ?? controller.getState().threadId
        return controller.create(own, body, options?.ifBusy)
      } catch (error) {
        return Promise.reject(error)
      }
    },
    dequeue: controller.dequeue,
    createThreadAndRun: controller.createThreadAndRun,
    submitToolOutputs: controller.submitToolOutputs,
    approveToolCall: controller.approveToolCall,
    denyToolCall: controller.denyToolCall,
    approve: controller.approve,
    reject: controller.reject,
    submitToolApprovals: controller.submitToolApprovals,
    abort: controller.abort,
    cancel: controller.cancel,
  } as UseRunStreamResult
  // Each state property is a getter that marks it read (spreading the result reads them all) and gives the
  // controller's latest value: a property read only in an event handler or an effect is not stale for want of a
  // render (it re-renders on its next change).
  for (const key of STATE_KEYS) {
    Object.defineProperty(result, key, {
      enumerable: true,
      get: () => {
        tracked.current.add(key)
        return controller.getState()[key]
      },
    })
  }
  return result
}
