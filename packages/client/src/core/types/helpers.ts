// Runtime helpers over the wire types: required tool calls and approvals, run-status and tool-call and event guards.
import type { ApprovalToolCall, Run, RunToolCall, SubmitToolApprovalAction } from './run.ts'
import type { KnownToolCall, ToolCall } from './step.ts'
import type { RunStreamEvent, RunStreamEventName, UnknownStreamEvent } from './stream-events.ts'

/** The function calls a run waits on for outputs; empty unless `required_action` is `submit_tool_outputs`. */
export function requiredToolCalls(run: Pick<Run, 'required_action'> | null | undefined): RunToolCall[] {
  const action = run?.required_action
  const calls = action?.type === 'submit_tool_outputs' ? action.submit_tool_outputs?.tool_calls : undefined
  return Array.isArray(calls) ? calls : []
}

/** The calls a run waits on for approval; empty unless `required_action` is `submit_tool_approval`. */
export function requiredApprovals(run: Pick<Run, 'required_action'> | null | undefined): ApprovalToolCall[] {
  const action = run?.required_action
  if (action?.type !== 'submit_tool_approval') {
    return []
  }
  const details = (action as SubmitToolApprovalAction).submit_tool_approval
  return Array.isArray(details?.tool_calls) ? details.tool_calls : []
}

/** Run statuses after which the run never changes again. */
export const TERMINAL_RUN_STATUSES = ['completed', 'failed', 'cancelled', 'expired', 'incomplete'] as const

/** A run status after which the run never changes again. */
export type TerminalRunStatus = (typeof TERMINAL_RUN_STATUSES)[number]

/** True when the status is terminal (unknown statuses are not terminal, checklist C7). */
export function isTerminalRunStatus(status: string): status is TerminalRunStatus {
  return (TERMINAL_RUN_STATUSES as readonly string[]).includes(status)
}

/** True when the run still holds the thread (`queued`, `in_progress`, `requires_action`, `cancelling`). */
export function isActiveRunStatus(status: string): boolean {
  return (
    status === 'queued' || status === 'in_progress' || status === 'requires_action' || status === 'cancelling'
  )
}

const KNOWN_TOOL_CALL_TYPES: ReadonlySet<string> = new Set(['code_interpreter', 'file_search', 'function'])

/** True when the call is a `function`, `code_interpreter` or `file_search` call (then `type` narrows it). */
export function isKnownToolCall(call: ToolCall): call is KnownToolCall {
  return KNOWN_TOOL_CALL_TYPES.has(call.type)
}

/** Every event name of RunStreamEvent, for runtime checks. */
export const RUN_STREAM_EVENT_NAMES: ReadonlySet<string> = new Set<RunStreamEventName>([
  'thread.created',
  'thread.run.created',
  'thread.run.queued',
  'thread.run.in_progress',
  'thread.run.requires_action',
  'thread.run.completed',
  'thread.run.incomplete',
  'thread.run.failed',
  'thread.run.cancelling',
  'thread.run.cancelled',
  'thread.run.expired',
  'thread.run.step.created',
  'thread.run.step.in_progress',
  'thread.run.step.delta',
  'thread.run.step.completed',
  'thread.run.step.failed',
  'thread.run.step.cancelled',
  'thread.run.step.expired',
  'thread.message.created',
  'thread.message.in_progress',
  'thread.message.delta',
  'thread.message.completed',
  'thread.message.incomplete',
  'error',
  'done',
])

/** True when the event is one of RunStreamEvent (not an UnknownStreamEvent). */
export function isKnownStreamEvent(event: RunStreamEvent | UnknownStreamEvent): event is RunStreamEvent {
  return !('unknown' in event) && RUN_STREAM_EVENT_NAMES.has(event.event)
}
