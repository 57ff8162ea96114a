// The run lifecycle: starts, drives, resumes, cancels, expires and ends runs; outputs/ handles each model output.
import { type Clock, unixSeconds } from './clock.ts'
import type { EventHub } from './events.ts'
import { sleep, yieldTurn } from './events.ts'
import { badRequest } from './http.ts'
import type { IdGenerator } from './ids.ts'
import {
  checkToolApprovals as checkApprovals,
  checkToolOutputs as checkOutputs,
  type LifecycleTexts,
} from './lifecycle-errors.ts'
import type { ModelContext, RunModel, SubmittedToolApproval, SubmittedToolOutput } from './model.ts'
import { createTurn, handleOutput, StopRun, type TurnState } from './outputs/index.ts'
import { runHistory, visibleMessages } from './prompt.ts'
import { endRun, type FinalStatus, type RunWrites } from './run-end.ts'
import type { RunsStore } from './store.ts'
import { toolApprovalAnswers, toolOutputAnswers } from './submissions.ts'
import type {
  MessageEventName,
  MessageObject,
  RunErrorCode,
  RunEventName,
  RunObject,
  RunStatus,
  RunStepEventName,
  RunStepObject,
  RunStreamEventObject,
  StepToolCall,
  Usage,
} from './types.ts'

/** Statuses in which a run holds its thread (no new run, no new message). */
export const activeStatuses: readonly RunStatus[] = ['queued', 'in_progress', 'requires_action', 'cancelling']

/** What the engine needs from its server. */
export interface EngineOptions {
  store: RunsStore
  clock: Clock
  ids: IdGenerator
  model: RunModel
  hub: EventHub
  texts: LifecycleTexts
  /** Pause between streamed tokens. */
  tokenDelayMs: number
  /** Time a run spends in `cancelling` before it is `cancelled`. */
  cancelDelayMs: number
}

interface Control {
  abort: AbortController
  /** Fault injection: the run ignores the cancel and completes. */
  losesCancelRace: boolean
}

/** Runs runs: moves them through their lifecycle, writes steps and messages, and emits stream events. */
export function createRunEngine(options: EngineOptions) {
  const { store, clock, ids, hub, texts } = options
  const controls = new Map<string, Control>()
  /** Usage a model reported for a function-call step, kept until the step completes (usage is null before). */
  const pendingStepUsage = new Map<string, Usage>()
  const now = () => unixSeconds(clock)
  /** Runs several writes as one (a transaction on durable stores), so a crash never leaves half of them. */
  const atomically = <T>(work: () => T): T => (store.transaction ? store.transaction(work) : work())
  /** Emits a run's event; typed, so every event's data is the object its name promises. */
  const emit = (runId: string, event: RunStreamEventObject) => hub.emit(runId, event)

  function getRun(threadId: string, runId: string): RunObject {
    const run = store.runs.get(threadId, runId)
    if (!run) {
      throw new Error(`run ${runId} vanished`)
    }
    return run
  }

  function saveRun(run: RunObject, event?: RunEventName): RunObject {
    store.runs.put(run.thread_id, run)
    if (event) {
      emit(run.id, { event, data: run })
    }
    return run
  }

  function saveStep(step: RunStepObject, event?: RunStepEventName): RunStepObject {
    store.steps.put(step.run_id, step)
    if (event) {
      emit(step.run_id, { event, data: step })
    }
    return step
  }

  function saveMessage(message: MessageObject, runId: string, event?: MessageEventName): MessageObject {
    store.messages.put(message.thread_id, message)
    if (event) {
      emit(runId, { event, data: message })
    }
    return message
  }

  const writes: RunWrites = {
    store,
    now,
    saveRun,
    saveStep,
    saveMessage,
    release: (runId) => controls.delete(runId),
  }
  /** Ends a run: closes its open steps and messages and sets the final status with its timestamp. */
  function finalize(run: RunObject, status: FinalStatus, details: Partial<RunObject> = {}): RunObject {
    return atomically(() => endRun(writes, run, status, details))
  }

  /** Expires a run whose `expires_at` has passed (checked lazily on every access, on the injectable clock). */
  function refresh(run: RunObject): RunObject {
    if (activeStatuses.includes(run.status) && run.expires_at !== null && now() >= run.expires_at) {
      controls.get(run.id)?.abort.abort()
      return finalize(run, 'expired')
    }
    return run
  }

  /** The thread's active run, if any (after expiring overdue ones). */
  function activeRun(threadId: string): RunObject | undefined {
    return store.runs
      .list(threadId)
      .map(refresh)
      .find((run) => activeStatuses.includes(run.status))
  }

  async function drive(
    threadId: string,
    runId: string,
    toolOutputs: SubmittedToolOutput[],
    toolApprovals: SubmittedToolApproval[] = [],
  ) {
    const control: Control = controls.get(runId) ?? { abort: new AbortController(), losesCancelRace: false }
    controls.set(runId, control)
    const { signal } = control.abort
    const state: TurnState = {
      promptTokens: 0,
      completionTokens: 0,
      usageReported: false,
      message: null,
      messageStep: null,
      messageTokens: 0,
    }

    const current = () => getRun(threadId, runId)
    const checkpoint = async (ms = 0) => {
      await (ms > 0 ? sleep(ms, signal) : yieldTurn())
      if (signal.aborted && controls.get(runId) !== control) {
        throw new StopRun() // abandoned: another instance ended or took the run
      }
      const run = refresh(current())
      if (run.status === 'cancelling' && !control.losesCancelRace) {
        await sleep(options.cancelDelayMs)
        finalize(refresh(current()), 'cancelled')
        throw new StopRun()
      }
      if (!activeStatuses.includes(run.status)) {
        throw new StopRun()
      }
    }
    const turn = createTurn(
      {
        threadId,
        runId,
        pendingStepUsage,
        ids,
        now,
        current,
        atomically,
        emit: (event) => emit(runId, event),
        saveRun,
        saveStep,
        saveMessage: (message, event) => saveMessage(message, runId, event),
        finalize,
        releaseControl: () => controls.delete(runId),
        // The pace is read at every token: a server may change it while runs go on.
        pause: () => checkpoint(options.tokenDelayMs),
      },
      state,
    )

    try {
      await yieldTurn()
      let run = refresh(current())
      if (run.status === 'cancelling') {
        // Cancelled before it started: checkpoint() finalizes it, unless the race fault lets it run on.
        await checkpoint()
      } else if (run.status === 'queued') {
        run = saveRun(
          { ...run, status: 'in_progress', started_at: run.started_at ?? now() },
          'thread.run.in_progress',
        )
      } else {
        return
      }
      const visible = visibleMessages(store, run)
      if (!visible) {
        finalize(run, 'incomplete', { incomplete_details: { reason: 'max_prompt_tokens' } })
        return
      }
      state.promptTokens = visible.promptTokens
      const assistant = store.assistants.get(run.assistant_id)
      const thread = store.threads.get(threadId)
      if (!assistant || !thread) {
        finalize(run, 'failed', {
          last_error: { code: 'server_error', message: 'The assistant or thread of this run was deleted.' },
        })
        return
      }
      const context: ModelContext = {
        assistant,
        thread,
        run,
        messages: visible.messages,
        toolOutputs,
        toolApprovals,
        history: runHistory(store, threadId, runId),
        signal,
      }
      await checkpoint()
      for await (const output of options.model(context)) {
        await handleOutput(output, turn)
      }
      // A model that stopped because the run was cancelled or expired must not complete it.
      await checkpoint()
      if (signal.aborted && !control.losesCancelRace) {
        return // the server is closing: leave the run as it is
      }
      atomically(() => {
        turn.closeMessage()
        saveRun(turn.addUsage(current(), state.completionTokens, state.promptTokens))
        finalize(current(), 'completed')
      })
    } catch (error) {
      if (error instanceof StopRun) {
        return
      }
      const run = store.runs.get(threadId, runId)
      if (run && activeStatuses.includes(run.status)) {
        const code: RunErrorCode = 'server_error'
        finalize(run, 'failed', {
          last_error: {
            code,
            message: `The model failed: ${error instanceof Error ? error.message : String(error)}`,
          },
        })
      }
    } finally {
      if (
        controls.get(runId) === control &&
        !activeStatuses.includes(store.runs.get(threadId, runId)?.status ?? 'completed')
      ) {
        controls.delete(runId)
      }
    }
  }

  let closed = false
  /** A run whose store failed while it settled (e.g. a database closed at shutdown) must not crash the process. */
  function settle(driving: Promise<void>) {
    driving.catch((error: unknown) => {
      if (!closed) {
        console.error('oai-runs: a run could not be saved:', error)
      }
    })
  }

  /** Checks that a submit answers exactly the calls the run waits on; throws the API's 400 otherwise. */
  const checkToolOutputs = (threadId: string, runId: string, outputs: { tool_call_id?: string }[]) =>
    checkOutputs(refresh(getRun(threadId, runId)), outputs, texts)

  /** Checks that `tool_approvals` answer exactly the calls a `submit_tool_approval` run waits on (else a 400). */
  const checkToolApprovals = (threadId: string, runId: string, approvals: { tool_call_id: string }[]) =>
    checkApprovals(refresh(getRun(threadId, runId)), approvals, texts)

  // Moves a run that got its answers back to `queued`, completes its waiting tool_calls steps (each call patched
  // by `complete`) and drives the model again.
  function resume(
    threadId: string,
    run: RunObject,
    complete: (call: StepToolCall) => StepToolCall,
    toolOutputs: SubmittedToolOutput[],
    toolApprovals: SubmittedToolApproval[],
  ): RunObject {
    const runId = run.id
    const queued = saveRun({ ...run, status: 'queued', required_action: null })
    controls.set(runId, { abort: new AbortController(), losesCancelRace: false })
    queueMicrotask(() => {
      for (const step of store.steps.list(runId)) {
        if (step.status === 'in_progress' && step.step_details.type === 'tool_calls') {
          const usage = pendingStepUsage.get(step.id) ?? {
            prompt_tokens: 0,
            completion_tokens: 0,
            total_tokens: 0,
          }
          pendingStepUsage.delete(step.id)
          saveStep(
            {
              ...step,
              status: 'completed',
              completed_at: now(),
              step_details: { type: 'tool_calls', tool_calls: step.step_details.tool_calls.map(complete) },
              usage,
            },
            'thread.run.step.completed',
          )
        }
      }
      emit(runId, { event: 'thread.run.queued', data: getRun(threadId, runId) })
      void settle(drive(threadId, runId, toolOutputs, toolApprovals))
    })
    return queued
  }

  return {
    refresh,
    activeRun,
    /** The 400 for a second run on a thread. */
    activeRunError: (threadId: string, runId: string) => badRequest(texts.activeRun(threadId, runId)),
    /** The 400 for a message added while a run is active. */
    messageDuringRunError: (threadId: string, runId: string) =>
      badRequest(texts.messageDuringRun(threadId, runId)),
    /** Starts a queued run in the background: `thread.run.created`, `thread.run.queued`, then the model. */
    start(run: RunObject) {
      controls.set(run.id, { abort: new AbortController(), losesCancelRace: false })
      queueMicrotask(() => {
        emit(run.id, { event: 'thread.run.created', data: run })
        emit(run.id, { event: 'thread.run.queued', data: run })
        void settle(drive(run.thread_id, run.id, []))
      })
    },
    /** Checks that a submit answers exactly the calls the run waits on; throws the API's 400 otherwise. */
    checkToolOutputs,
    /** Accepts all tool outputs of a `requires_action` run in one go and resumes it. */
    submitToolOutputs(
      threadId: string,
      runId: string,
      outputs: { tool_call_id?: string; output?: string }[],
    ) {
      const { run, calls } = checkToolOutputs(threadId, runId, outputs)
      const { submitted, complete } = toolOutputAnswers(calls, outputs)
      return resume(threadId, run, complete, submitted, [])
    },
    checkToolApprovals,
    /**
     * Accepts the approvals of a `submit_tool_approval` run in one go and resumes it. The scripted host "runs"
     * each approved MCP call (its step gets an output) and leaves each rejected one without output.
     */
    submitToolApprovals(
      threadId: string,
      runId: string,
      approvals: { tool_call_id: string; approve: boolean }[],
    ) {
      const { run, calls } = checkToolApprovals(threadId, runId, approvals)
      const { submitted, complete } = toolApprovalAnswers(calls, approvals)
      return resume(threadId, run, complete, [], submitted)
    },
    /** Moves a run to `cancelling` at once; it becomes `cancelled` (or, with the race fault, `completed`). */
    cancel(threadId: string, runId: string, losesRace = false): RunObject {
      const run = refresh(getRun(threadId, runId))
      if (!['queued', 'in_progress', 'requires_action'].includes(run.status)) {
        throw badRequest(texts.cannotCancel(run.status))
      }
      const cancelling = saveRun({ ...run, status: 'cancelling' }, 'thread.run.cancelling')
      const control = controls.get(runId)
      if (control && run.status !== 'requires_action') {
        control.losesCancelRace = losesRace
        if (!losesRace) {
          control.abort.abort()
        }
      } else {
        setTimeout(() => {
          const latest = store.runs.get(threadId, runId)
          if (latest?.status === 'cancelling') {
            finalize(latest, 'cancelled')
          }
        }, options.cancelDelayMs)
      }
      return cancelling
    },
    /** The runs this engine drives now (a model call or a pending cancel in flight). */
    driving: (): string[] => [...controls.keys()],
    /**
     * Stops driving one run and leaves it as it is (another instance ended or took it): its model call is aborted
     * and nothing more is written for it.
     */
    abandon(runId: string) {
      const control = controls.get(runId)
      if (control) {
        control.losesCancelRace = false
        control.abort.abort()
        controls.delete(runId)
      }
    },
    /** Stops every running run's timers and model calls (server shutdown). */
    close() {
      closed = true
      for (const control of controls.values()) {
        control.abort.abort()
      }
    },
  }
}

/** The run engine's interface. */
export type RunEngine = ReturnType<typeof createRunEngine>
