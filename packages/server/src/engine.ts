import { type Clock, unixSeconds } from './clock.ts'
import type { EventHub } from './events.ts'
import { sleep, yieldTurn } from './events.ts'
import { badRequest } from './http.ts'
import type { IdGenerator } from './ids.ts'
import type {
  ModelContext,
  ModelOutput,
  RunModel,
  SubmittedToolApproval,
  SubmittedToolOutput,
} from './model.ts'
import { runHistory, visibleMessages } from './prompt.ts'
import { tokenize } from './scripted-model.ts'
import type { RunsStore } from './store.ts'
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
  StepToolCallDelta,
  Usage,
} from './types.ts'
import { isOpenAiToolCall } from './types.ts'

/** Statuses in which a run holds its thread (no new run, no new message). */
export const activeStatuses: readonly RunStatus[] = ['queued', 'in_progress', 'requires_action', 'cancelling']

/** The error texts of the run lifecycle; the ones marked unverified below can be replaced. */
export interface LifecycleTexts {
  activeRun(threadId: string, runId: string): string
  messageDuringRun(threadId: string, runId: string): string
  cannotCancel(status: RunStatus): string
  noToolOutputs(status: RunStatus): string
  /** Unverified against the real API for unknown ids: the same text as for missing ones. */
  toolOutputsMismatch(expected: string[], received: string[]): string
  /** Azure AI Agents' `submit_tool_approval` runs: their texts are this server's own (unverified). */
  toolApprovalsMismatch?(expected: string[], received: string[]): string
}

const pyList = (ids: string[]) => `[${ids.map((id) => `'${id}'`).join(', ')}]`

/** The texts the hosted API answered with. */
export const defaultLifecycleTexts: LifecycleTexts = {
  activeRun: (threadId, runId) => `Thread ${threadId} already has an active run ${runId}.`,
  messageDuringRun: (threadId, runId) => `Can't add messages to ${threadId} while a run ${runId} is active.`,
  cannotCancel: (status) => `Cannot cancel run with status '${status}'.`,
  noToolOutputs: (status) => `Runs in status "${status}" do not accept tool outputs.`,
  toolOutputsMismatch: (expected, received) =>
    `Expected tool outputs for call_ids ${pyList(expected)}, got ${pyList(received)}`,
  toolApprovalsMismatch: (expected, received) =>
    `Expected tool approvals for call_ids ${pyList(expected)}, got ${pyList(received)}`,
}

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

class StopRun extends Error {}

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

  /** Ends a run: closes its open steps and messages and sets the final status with its timestamp. */
  function finalize(
    run: RunObject,
    status: 'completed' | 'cancelled' | 'failed' | 'expired' | 'incomplete',
    details: Partial<RunObject> = {},
  ): RunObject {
    return atomically(() => finalizeNow(run, status, details))
  }

  function finalizeNow(
    run: RunObject,
    status: 'completed' | 'cancelled' | 'failed' | 'expired' | 'incomplete',
    details: Partial<RunObject>,
  ): RunObject {
    const at = now()
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
    controls.delete(run.id)
    return saveRun(
      { ...run, ...stamp, ...details, status, required_action: null, usage },
      `thread.run.${status}`,
    )
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
    let completionTokens = 0
    let promptTokens = 0
    /** Set once the model reported its own usage for this turn (a `usage` output). */
    let usageReported = false
    let message: MessageObject | null = null
    let messageStep: RunStepObject | null = null

    const current = () => getRun(threadId, runId)
    const checkpoint = async (ms = 0) => {
      await (ms > 0 ? sleep(ms, signal) : yieldTurn())
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
    const addUsage = (run: RunObject, completion: number, prompt: number): RunObject => {
      const usage = run.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }
      return {
        ...run,
        usage: {
          prompt_tokens: usage.prompt_tokens + prompt,
          completion_tokens: usage.completion_tokens + completion,
          total_tokens: usage.total_tokens + prompt + completion,
        },
      }
    }
    const newStep = (details: RunStepObject['step_details']): RunStepObject => {
      const run = current()
      const step: RunStepObject = {
        id: ids('step'),
        object: 'thread.run.step',
        created_at: now(),
        assistant_id: run.assistant_id,
        thread_id: threadId,
        run_id: runId,
        type: details.type,
        status: 'in_progress',
        step_details: details,
        last_error: null,
        expired_at: null,
        cancelled_at: null,
        failed_at: null,
        completed_at: null,
        metadata: {},
        usage: null,
      }
      saveStep(step, 'thread.run.step.created')
      return saveStep(step, 'thread.run.step.in_progress')
    }
    const completeStep = (step: RunStepObject, tokens: number, patch: Partial<RunStepObject> = {}) =>
      saveStep(
        {
          ...step,
          ...patch,
          status: 'completed',
          completed_at: now(),
          usage: {
            prompt_tokens: promptTokens,
            completion_tokens: tokens,
            total_tokens: promptTokens + tokens,
          },
        },
        'thread.run.step.completed',
      )
    let messageTokens = 0
    const closeMessage = () => {
      if (message && messageStep) {
        saveMessage(
          { ...message, status: 'completed', completed_at: now() },
          runId,
          'thread.message.completed',
        )
        completeStep(messageStep, messageTokens)
      }
      message = null
      messageStep = null
      messageTokens = 0
    }
    const emitStepDelta = (step: RunStepObject, toolCall: StepToolCallDelta) => {
      emit(runId, {
        event: 'thread.run.step.delta',
        data: {
          id: step.id,
          object: 'thread.run.step.delta',
          delta: { step_details: { type: 'tool_calls', tool_calls: [toolCall] } },
        },
      })
    }
    const chunks = (value: string, size = 8) => value.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? []

    const handle = async (output: ModelOutput) => {
      switch (output.type) {
        case 'text': {
          const run = current()
          if (run.max_completion_tokens !== null && completionTokens >= run.max_completion_tokens) {
            atomically(() => {
              saveRun(addUsage(current(), completionTokens, promptTokens))
              finalize(current(), 'incomplete', { incomplete_details: { reason: 'max_completion_tokens' } })
            })
            throw new StopRun()
          }
          if (!message || !messageStep) {
            const created: MessageObject = {
              id: ids('msg'),
              object: 'thread.message',
              created_at: now(),
              thread_id: threadId,
              status: 'in_progress',
              incomplete_details: null,
              completed_at: null,
              incomplete_at: null,
              role: 'assistant',
              content: [],
              assistant_id: run.assistant_id,
              run_id: runId,
              attachments: [],
              metadata: {},
            }
            // One transaction: a crash never leaves a step pointing at a message that was not written.
            message = atomically(() => {
              messageStep = newStep({
                type: 'message_creation',
                message_creation: { message_id: created.id },
              })
              saveMessage(created, runId, 'thread.message.created')
              return saveMessage(created, runId, 'thread.message.in_progress')
            })
          }
          const previous = message.content[0]
          const value = previous?.type === 'text' ? previous.text.value : ''
          const annotations = previous?.type === 'text' ? previous.text.annotations : []
          const annotation = output.annotation
            ? output.annotation.type === 'file_citation'
              ? {
                  type: 'file_citation' as const,
                  text: output.text,
                  file_citation: { file_id: output.annotation.file_id },
                  start_index: value.length,
                  end_index: value.length + output.text.length,
                }
              : {
                  type: 'file_path' as const,
                  text: output.text,
                  file_path: { file_id: output.annotation.file_id },
                  start_index: value.length,
                  end_index: value.length + output.text.length,
                }
            : null
          message = saveMessage(
            {
              ...message,
              content: [
                {
                  type: 'text',
                  text: {
                    value: value + output.text,
                    annotations: annotation ? [...annotations, annotation] : annotations,
                  },
                },
              ],
            },
            runId,
          )
          emit(runId, {
            event: 'thread.message.delta',
            data: {
              id: message.id,
              object: 'thread.message.delta',
              delta: {
                content: [
                  {
                    index: 0,
                    type: 'text',
                    text: {
                      value: output.text,
                      ...(annotation ? { annotations: [{ index: annotations.length, ...annotation }] } : {}),
                    },
                  },
                ],
              },
            },
          })
          completionTokens++
          messageTokens++
          await checkpoint(options.tokenDelayMs)
          return
        }
        case 'function_calls': {
          closeMessage()
          const step = newStep({ type: 'tool_calls', tool_calls: [] })
          const calls = output.calls.map((call) => ({ id: ids('call'), ...call }))
          let tokens = 0
          for (const [index, call] of calls.entries()) {
            emitStepDelta(step, {
              index,
              id: call.id,
              type: 'function',
              function: { name: call.name, arguments: '', output: null },
            })
            for (const piece of chunks(call.arguments)) {
              emitStepDelta(step, { index, type: 'function', function: { arguments: piece } })
              tokens++
              await checkpoint(options.tokenDelayMs)
            }
          }
          if (!usageReported) {
            completionTokens += tokens
          } else {
            pendingStepUsage.set(step.id, {
              prompt_tokens: promptTokens,
              completion_tokens: completionTokens,
              total_tokens: promptTokens + completionTokens,
            })
          }
          atomically(() => {
            saveStep({
              ...step,
              step_details: {
                type: 'tool_calls',
                tool_calls: calls.map((call) => ({
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: call.arguments, output: null },
                })),
              },
            })
            const run = addUsage(current(), completionTokens, promptTokens)
            controls.delete(runId)
            saveRun(
              {
                ...run,
                status: 'requires_action',
                required_action: {
                  type: 'submit_tool_outputs',
                  submit_tool_outputs: {
                    tool_calls: calls.map((call) => ({
                      id: call.id,
                      type: 'function',
                      function: { name: call.name, arguments: call.arguments },
                    })),
                  },
                },
              },
              'thread.run.requires_action',
            )
          })
          throw new StopRun()
        }
        case 'approval_required': {
          closeMessage()
          const step = newStep({ type: 'tool_calls', tool_calls: [] })
          const calls = output.calls.map((call) => ({ id: ids('call'), type: 'mcp' as const, ...call }))
          for (const [index, call] of calls.entries()) {
            emitStepDelta(step, { index, ...call, output: null })
            await checkpoint(options.tokenDelayMs)
          }
          atomically(() => {
            saveStep({
              ...step,
              step_details: {
                type: 'tool_calls',
                tool_calls: calls.map((call) => ({ ...call, output: null })),
              },
            })
            const run = addUsage(current(), completionTokens, promptTokens)
            controls.delete(runId)
            saveRun(
              {
                ...run,
                status: 'requires_action',
                required_action: {
                  type: 'submit_tool_approval',
                  submit_tool_approval: { tool_calls: calls },
                },
              },
              'thread.run.requires_action',
            )
          })
          throw new StopRun()
        }
        case 'hosted_tool_call': {
          closeMessage()
          const step = newStep({ type: 'tool_calls', tool_calls: [] })
          const call = { id: ids('call'), type: output.call_type, [output.call_type]: output.details }
          emitStepDelta(step, { index: 0, ...call })
          await checkpoint(options.tokenDelayMs)
          completeStep(step, 0, { step_details: { type: 'tool_calls', tool_calls: [call] } })
          return
        }
        case 'code_interpreter': {
          closeMessage()
          const step = newStep({ type: 'tool_calls', tool_calls: [] })
          const id = ids('call')
          emitStepDelta(step, {
            index: 0,
            id,
            type: 'code_interpreter',
            code_interpreter: { input: '', outputs: [] },
          })
          for (const piece of chunks(output.input, 16)) {
            emitStepDelta(step, { index: 0, type: 'code_interpreter', code_interpreter: { input: piece } })
            await checkpoint(options.tokenDelayMs)
          }
          emitStepDelta(step, {
            index: 0,
            type: 'code_interpreter',
            code_interpreter: { outputs: [{ index: 0, type: 'logs', logs: output.logs }] },
          })
          const toolCall: StepToolCall = {
            id,
            type: 'code_interpreter',
            code_interpreter: { input: output.input, outputs: [{ type: 'logs', logs: output.logs }] },
          }
          completeStep(step, tokenize(output.input).length, {
            step_details: { type: 'tool_calls', tool_calls: [toolCall] },
          })
          await checkpoint(options.tokenDelayMs)
          return
        }
        case 'file_search': {
          closeMessage()
          const step = newStep({ type: 'tool_calls', tool_calls: [] })
          const id = ids('call')
          emitStepDelta(step, { index: 0, id, type: 'file_search', file_search: {} })
          await checkpoint(options.tokenDelayMs)
          completeStep(step, 0, {
            step_details: {
              type: 'tool_calls',
              tool_calls: [
                {
                  id,
                  type: 'file_search',
                  file_search: {
                    ranking_options: { ranker: 'default_2024_08_21', score_threshold: 0 },
                    results: output.results,
                  },
                },
              ],
            },
          })
          return
        }
        case 'error': {
          atomically(() => {
            saveRun(addUsage(current(), completionTokens, promptTokens))
            finalize(current(), 'failed', { last_error: { code: output.code, message: output.message } })
          })
          throw new StopRun()
        }
        case 'usage': {
          usageReported = true
          promptTokens = output.prompt_tokens
          completionTokens = output.completion_tokens
          if (message) {
            messageTokens = output.completion_tokens
          }
          return
        }
        case 'incomplete': {
          atomically(() => {
            if (messageStep) {
              saveStep({
                ...messageStep,
                usage: {
                  prompt_tokens: promptTokens,
                  completion_tokens: messageTokens,
                  total_tokens: promptTokens + messageTokens,
                },
              })
            }
            saveRun(addUsage(current(), completionTokens, promptTokens))
            finalize(current(), 'incomplete', { incomplete_details: { reason: output.reason } })
          })
          throw new StopRun()
        }
        default: {
          return output satisfies never
        }
      }
    }

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
      promptTokens = visible.promptTokens
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
        await handle(output)
      }
      // A model that stopped because the run was cancelled or expired must not complete it.
      await checkpoint()
      if (signal.aborted && !control.losesCancelRace) {
        return // the server is closing: leave the run as it is
      }
      atomically(() => {
        closeMessage()
        saveRun(addUsage(current(), completionTokens, promptTokens))
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
  function checkToolOutputs(threadId: string, runId: string, outputs: { tool_call_id?: string }[]) {
    const run = refresh(getRun(threadId, runId))
    if (run.status !== 'requires_action' || !run.required_action) {
      throw badRequest(texts.noToolOutputs(run.status))
    }
    if (run.required_action.type !== 'submit_tool_outputs') {
      throw badRequest(
        `Run ${run.id} is waiting for tool approvals, not tool outputs: send 'tool_approvals'.`,
        'tool_outputs',
      )
    }
    const calls = run.required_action.submit_tool_outputs.tool_calls
    const expected = calls.map((call) => call.id)
    const received = outputs.map((output) => output.tool_call_id ?? '')
    const sameSet =
      received.length === expected.length &&
      new Set(received).size === received.length &&
      received.every((id) => expected.includes(id))
    if (!sameSet) {
      throw badRequest(texts.toolOutputsMismatch(expected, received))
    }
    return { run, calls }
  }

  /** Checks that `tool_approvals` answer exactly the calls a `submit_tool_approval` run waits on (else a 400). */
  function checkToolApprovals(threadId: string, runId: string, approvals: { tool_call_id: string }[]) {
    const run = refresh(getRun(threadId, runId))
    if (run.status !== 'requires_action' || !run.required_action) {
      throw badRequest(`Runs in status "${run.status}" do not accept tool approvals.`, 'tool_approvals')
    }
    if (run.required_action.type !== 'submit_tool_approval') {
      throw badRequest(
        `Run ${run.id} is waiting for tool outputs, not tool approvals: send 'tool_outputs'.`,
        'tool_approvals',
        'unknown_parameter',
      )
    }
    const calls = run.required_action.submit_tool_approval.tool_calls
    const expected = calls.map((call) => call.id)
    const received = approvals.map((approval) => approval.tool_call_id)
    const sameSet =
      received.length === expected.length &&
      new Set(received).size === received.length &&
      received.every((id) => expected.includes(id))
    if (!sameSet) {
      const mismatch = texts.toolApprovalsMismatch ?? defaultLifecycleTexts.toolApprovalsMismatch!
      throw badRequest(mismatch(expected, received), 'tool_approvals')
    }
    return { run, calls }
  }

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
    /** Accepts all tool outputs of a `requires_action` run in one go and resumes it. */
    checkToolOutputs,
    submitToolOutputs(
      threadId: string,
      runId: string,
      outputs: { tool_call_id?: string; output?: string }[],
    ) {
      const { run, calls } = checkToolOutputs(threadId, runId, outputs)
      const byId = new Map(outputs.map((output) => [output.tool_call_id, output.output ?? '']))
      const submitted: SubmittedToolOutput[] = calls.map((call) => ({
        tool_call_id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
        output: byId.get(call.id) ?? '',
      }))
      const complete = (call: StepToolCall): StepToolCall =>
        isOpenAiToolCall(call) && call.type === 'function' && byId.has(call.id)
          ? { ...call, function: { ...call.function, output: byId.get(call.id) ?? '' } }
          : call
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
      const byId = new Map(approvals.map((approval) => [approval.tool_call_id, approval.approve]))
      const submitted: SubmittedToolApproval[] = calls.map((call) => ({
        tool_call_id: call.id,
        name: call.name,
        arguments: call.arguments,
        server_label: call.server_label,
        approve: byId.get(call.id) === true,
      }))
      const complete = (call: StepToolCall): StepToolCall =>
        call.type === 'mcp' && byId.has(call.id)
          ? {
              ...call,
              output: byId.get(call.id) ? JSON.stringify({ ran: call.name, on: call.server_label }) : null,
              approved: byId.get(call.id) === true,
            }
          : call
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
