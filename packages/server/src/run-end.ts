// How a run ends: its open messages and steps are closed, then the run gets its final status, stamp and usage.
import type { RunsStore } from './store.ts'
import type {
  MessageEventName,
  MessageObject,
  RunEventName,
  RunObject,
  RunStepEventName,
  RunStepObject,
} from './types.ts'

/** The statuses a run ends in. */
export type FinalStatus = 'completed' | 'cancelled' | 'failed' | 'expired' | 'incomplete'

/** The engine's writes that ending a run makes (each saves and emits its event). */
export interface RunWrites {
  store: RunsStore
  now(): number
  saveRun(run: RunObject, event?: RunEventName): RunObject
  saveStep(step: RunStepObject, event?: RunStepEventName): RunStepObject
  saveMessage(message: MessageObject, runId: string, event?: MessageEventName): MessageObject
  /** Drops the run's abort control: nothing drives it any more. */
  release(runId: string): void
}

/** Ends `run` with `status` (call inside one transaction). */
export function endRun(
  writes: RunWrites,
  run: RunObject,
  status: FinalStatus,
  details: Partial<RunObject>,
): RunObject {
  const { store, saveMessage, saveStep, saveRun } = writes
  const at = writes.now()
  const messageReason = (
    {
      cancelled: 'run_cancelled',
      failed: 'run_failed',
      expired: 'run_expired',
      incomplete: 'max_tokens',
    } as const
  )[status as 'cancelled']
  for (const message of store.messages.list(run.thread_id)) {
    if (message.run_id === run.id && message.status === 'in_progress') {
      const finished: MessageObject =
        status === 'completed'
          ? { ...message, status: 'completed', completed_at: at }
          : {
              ...message,
              status: 'incomplete',
              incomplete_at: at,
              incomplete_details: { reason: messageReason },
            }
      saveMessage(finished, run.id, `thread.message.${finished.status}`)
    }
  }
  for (const step of store.steps.list(run.id)) {
    if (step.status !== 'in_progress') {
      continue
    }
    const stepStatus = status === 'incomplete' ? 'completed' : status
    const closed: RunStepObject = {
      ...step,
      status: stepStatus,
      ...(stepStatus === 'completed' ? { completed_at: at } : {}),
      ...(stepStatus === 'cancelled' ? { cancelled_at: at } : {}),
      ...(stepStatus === 'expired' ? { expired_at: at } : {}),
      ...(stepStatus === 'failed'
        ? {
            failed_at: at,
            last_error: {
              code:
                (details.last_error ?? run.last_error)?.code === 'rate_limit_exceeded'
                  ? 'rate_limit_exceeded'
                  : 'server_error',
              message: details.last_error?.message ?? 'The run failed.',
            },
          }
        : {}),
      usage: step.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    }
    saveStep(closed, `thread.run.step.${closed.status}`)
  }
  const stamp =
    status === 'completed'
      ? { completed_at: at }
      : status === 'cancelled'
        ? { cancelled_at: at }
        : status === 'failed'
          ? { failed_at: at }
          : {}
  const usage = run.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }
  writes.release(run.id)
  return saveRun(
    { ...run, ...stamp, ...details, status, required_action: null, usage },
    `thread.run.${status}`,
  )
}
