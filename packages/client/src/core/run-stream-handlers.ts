// Per-entity callbacks of a RunStream: plain functions in one object, called as each event is handed
// out, after the stream's one fold, with the folded entity (never a second fold, never an emitter).

import type { RunSnapshot } from './run-snapshot.ts'
import type {
  Message,
  Run,
  RunStep,
  RunStreamEvent,
  ToolCall,
  ToolCallDelta,
  UnknownStreamEvent,
} from './types.ts'
import { isTerminalRunStatus } from './types.ts'

/**
 * Callbacks of a RunStream, each called as the events are consumed. Pass them as `on` to `createRunStream` or to a
 * streamed `create`/`createThreadAndRun`/`submitToolOutputs`. A callback that throws ends the stream with its error.
 * @example
 * client.runs.create(ids, { assistant_id, stream: true }, { on: { textDelta: (text) => print(text) } })
 */
export type RunStreamHandlers = {
  /** Every event, after it was folded (also `done`). */
  event?: ((event: RunStreamEvent | UnknownStreamEvent) => void) | undefined
  /** Each piece of message text, with the message as folded so far. */
  textDelta?: ((delta: string, message: Message) => void) | undefined
  /** A message reached `completed` or `incomplete`. */
  messageDone?: ((message: Message) => void) | undefined
  /** A tool call appeared in a step (its first delta, or a step created with its calls). */
  toolCallCreated?: ((toolCall: ToolCall, step: RunStep) => void) | undefined
  /** Each delta of a tool call (the first one too), with the call as folded so far. */
  toolCallDelta?: ((delta: ToolCallDelta, toolCall: ToolCall) => void) | undefined
  /** A step reached `completed`, `failed`, `cancelled` or `expired`. */
  stepDone?: ((step: RunStep) => void) | undefined
  /** The run's status changed (`queued`, `in_progress`, `requires_action`, terminal, …). */
  runStatus?: ((run: Run) => void) | undefined
}

const STEP_DONE: ReadonlySet<string> = new Set([
  'thread.run.step.completed',
  'thread.run.step.failed',
  'thread.run.step.cancelled',
  'thread.run.step.expired',
])

const toolCallsOf = (step: RunStep | undefined): ToolCall[] =>
  step?.step_details.type === 'tool_calls' ? step.step_details.tool_calls : []

/** Returns the function that calls `handlers` for one folded event; `snapshot()` reads the fold. */
export function createHandlerDispatch(
  handlers: RunStreamHandlers,
  snapshot: () => RunSnapshot,
): (event: RunStreamEvent | UnknownStreamEvent) => void {
  const seenCalls = new Set<string>()
  let runStatus: string | undefined
  const { event: onEvent, textDelta, messageDone, toolCallCreated, toolCallDelta, stepDone } = handlers

  const created = (step: RunStep, index: number) => {
    const key = `${step.id}:${index}`
    const call = toolCallsOf(step)[index]
    if (call && !seenCalls.has(key)) {
      seenCalls.add(key)
      toolCallCreated?.(call, step)
    }
    return call
  }

  return (event) => {
    onEvent?.(event)
    if ('unknown' in event) {
      return
    }
    const name = event.event
    if (name === 'thread.message.delta') {
      if (textDelta) {
        const message = snapshot().messages.byId[event.data.id]
        for (const part of event.data.delta?.content ?? []) {
          if (
            message &&
            part.type === 'text' &&
            typeof part.text?.value === 'string' &&
            part.text.value !== ''
          ) {
            textDelta(part.text.value, message)
          }
        }
      }
    } else if (name === 'thread.message.completed' || name === 'thread.message.incomplete') {
      messageDone?.(snapshot().messages.byId[event.data.id] ?? event.data)
    } else if (name === 'thread.run.step.delta') {
      const details = event.data.delta?.step_details
      if ((toolCallCreated || toolCallDelta) && details?.type === 'tool_calls') {
        const step = snapshot().steps.byId[event.data.id]
        for (const delta of details.tool_calls ?? []) {
          const call = step ? created(step, delta.index) : undefined
          if (call) {
            toolCallDelta?.(delta, call)
          }
        }
      }
    } else if (name.startsWith('thread.run.step.')) {
      const step = snapshot().steps.byId[(event.data as RunStep).id] ?? (event.data as RunStep)
      if (name === 'thread.run.step.created' && toolCallCreated) {
        for (let index = 0; index < toolCallsOf(step).length; index++) {
          created(step, index)
        }
      }
      if (STEP_DONE.has(name)) {
        stepDone?.(step)
      }
    } else if (name.startsWith('thread.run.') && handlers.runStatus) {
      const run = snapshot().run
      if (run && run.status !== runStatus) {
        runStatus = run.status
        handlers.runStatus(run)
      }
    }
  }
}

/** True when a run stopped: it waits for tool outputs or reached a terminal status. */
export function isStoppedRun(run: Run | null | undefined): run is Run {
  return !!run && (run.status === 'requires_action' || isTerminalRunStatus(run.status))
}
