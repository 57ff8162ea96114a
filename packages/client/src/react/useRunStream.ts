'use client'
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState, useSyncExternalStore } from 'react'
import type { RunIds } from '../core/index.ts'
import type { IfBusy, RunStreamCreateBody } from '../query/follow-up-queue.ts'
import { createRunStreamController } from '../query/run-stream-controller.ts'
import type { RunStreamConfig } from '../query/run-stream-state.ts'
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
}

/**
 * Streams a run into the react-query cache: `create`/`createThreadAndRun` start one, `submitToolOutputs` (or the
 * `tools` handlers) continue it, and `useRun`/`useRunSteps`/`useThreadMessages` show it live from the same entries.
 * With `ifBusy: 'queue' | 'cancel'`, `create` during an active run becomes a follow-up listed in `queued`.
 * @example
 * const stream = useRunStream({ threadId, tools: { get_weather: async ({ city }) => ({ city, celsius: 21 }) } })
 * stream.create({ assistant_id: 'asst_demo', additional_messages: [{ role: 'user', content: text }] })
 */
export function useRunStream(options: UseRunStreamOptions = {}) {
  const client = useRunsClient()
  const queryClient = useQueryClient()
  const [controller] = useState(() =>
    createRunStreamController({ client, queryClient, config: options, coalesce: options.coalesce }),
  )
  // As react-query's useBaseQuery with its observer: the controller is an external store.
  const state = useSyncExternalStore(controller.subscribe, controller.getState, controller.getState)
  const threadId = options.threadId ?? null
  const resume = options.resume ?? true
  const resumeKey = typeof resume === 'object' ? `${resume.threadId}/${resume.runId}` : String(resume)

  // The latest options and callbacks, handed over after each commit (never during render); declared first, so the
  // effects below and every later event read them.
  useEffect(() => {
    controller.setConfig(options)
  })

  useEffect(() => () => controller.dispose(), [controller])

  useEffect(() => {
    controller.switchThread(threadId)
  }, [controller, threadId])

  // Reload-resume (the controller chooses the run); `resumeKey` stands for `resume`.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `resumeKey` stands for `resume`
  useEffect(() => controller.resumeThread(threadId, resume), [controller, threadId, resumeKey])

  return {
    ...state,
    // The thread: create()'s own, else the hook's, else the one this hook's createThreadAndRun made. Invalid calls
    // (no thread, busy) reject like every other failure of the returned promise instead of throwing.
    create: (body: RunStreamCreateBody, options?: RunStreamCreateOptions) => {
      try {
        return controller.create(options?.threadId ?? threadId ?? state.threadId, body, options?.ifBusy)
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
  }
}
