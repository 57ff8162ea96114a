// The Turn an output handler gets from the engine: one model turn's state, the writes it may make, and StopRun.
import type { IdGenerator } from '../ids.ts'
import type { ModelOutput } from '../model.ts'
import type {
  MessageEventName,
  MessageObject,
  RunEventName,
  RunObject,
  RunStepEventName,
  RunStepObject,
  RunStreamEventObject,
  StepToolCallDelta,
  Usage,
} from '../types.ts'

/** Thrown by a handler (or a checkpoint) to end the model's turn: the run was settled or stopped. */
export class StopRun extends Error {}

/** The counts and the open message of one model turn; handlers read and update them. */
export interface TurnState {
  promptTokens: number
  completionTokens: number
  /** Set once the model reported its own usage for this turn (a `usage` output). */
  usageReported: boolean
  /** The assistant message being written, with its message-creation step (both null between messages). */
  message: MessageObject | null
  messageStep: RunStepObject | null
  messageTokens: number
  /** A code-interpreter call whose input is still streaming (`code_interpreter_input`), with its step. */
  codeCall?: { step: RunStepObject; id: string; input: string } | null
}

/** One model turn of a run, as the engine hands it to every output handler. */
export interface Turn {
  readonly threadId: string
  readonly runId: string
  readonly state: TurnState
  /** Usage a model reported for a function-call step, kept until the step completes. */
  readonly pendingStepUsage: Map<string, Usage>
  ids: IdGenerator
  now(): number
  /** The run as stored now. */
  current(): RunObject
  atomically<T>(work: () => T): T
  emit(event: RunStreamEventObject): void
  saveRun(run: RunObject, event?: RunEventName): RunObject
  saveStep(step: RunStepObject, event?: RunStepEventName): RunStepObject
  saveMessage(message: MessageObject, event?: MessageEventName): MessageObject
  finalize(
    run: RunObject,
    status: 'completed' | 'cancelled' | 'failed' | 'expired' | 'incomplete',
    details?: Partial<RunObject>,
  ): RunObject
  /** The run with this turn's token counts added to its usage. */
  addUsage(run: RunObject, completion: number, prompt: number): RunObject
  /** Opens a step (`created`, then `in_progress`). */
  newStep(details: RunStepObject['step_details']): RunStepObject
  /** Completes a step with this turn's prompt tokens and `tokens` completion tokens. */
  completeStep(step: RunStepObject, tokens: number, patch?: Partial<RunStepObject>): RunStepObject
  /** Completes the open message and its step, if any. */
  closeMessage(): void
  emitStepDelta(step: RunStepObject, toolCall: StepToolCallDelta): void
  /** The run waits for its answers: it no longer needs its abort control. */
  releaseControl(): void
  /** Waits one streamed token's pause, then stops the turn (StopRun) if the run was cancelled or ended. */
  pause(): Promise<void>
}

/** What the engine provides to build a turn from: its stored writes, bound to the run. */
export type TurnBase = Omit<
  Turn,
  'state' | 'addUsage' | 'newStep' | 'completeStep' | 'closeMessage' | 'emitStepDelta'
>

/** A turn of the run in `base`, with its step and message helpers over `state`. */
export function createTurn(base: TurnBase, state: TurnState): Turn {
  const { threadId, runId, ids, now, current, emit, saveStep, saveMessage } = base
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
          prompt_tokens: state.promptTokens,
          completion_tokens: tokens,
          total_tokens: state.promptTokens + tokens,
        },
      },
      'thread.run.step.completed',
    )
  const closeMessage = () => {
    if (state.message && state.messageStep) {
      saveMessage({ ...state.message, status: 'completed', completed_at: now() }, 'thread.message.completed')
      completeStep(state.messageStep, state.messageTokens)
    }
    state.message = null
    state.messageStep = null
    state.messageTokens = 0
  }
  const emitStepDelta = (step: RunStepObject, toolCall: StepToolCallDelta) => {
    emit({
      event: 'thread.run.step.delta',
      data: {
        id: step.id,
        object: 'thread.run.step.delta',
        delta: { step_details: { type: 'tool_calls', tool_calls: [toolCall] } },
      },
    })
  }
  return { ...base, state, addUsage, newStep, completeStep, closeMessage, emitStepDelta }
}

/** Handles one kind of model output. */
export type OutputHandler<T extends ModelOutput['type']> = (
  output: Extract<ModelOutput, { type: T }>,
  turn: Turn,
) => Promise<void>

/** A string in pieces of `size` characters (how tool-call arguments and code stream). */
export const chunks = (value: string, size = 8) => value.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? []
