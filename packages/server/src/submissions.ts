// What a submit answers: the tool outputs or approvals matched to the calls a run waits on, for the model and the step.
import type { SubmittedToolApproval, SubmittedToolOutput } from './model.ts'
import type { ApprovalToolCall, RunToolCall, StepToolCall } from './types.ts'
import { isOpenAiToolCall } from './types.ts'

/** The submitted outputs of `calls` (for the model) and how each waiting step call gets its output. */
export function toolOutputAnswers(
  calls: RunToolCall[],
  outputs: { tool_call_id?: string; output?: string }[],
) {
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
  return { submitted, complete }
}

/**
 * The submitted approvals of `calls` (for the model) and how each waiting MCP call completes: the scripted host
 * "runs" each approved call (its step gets an output) and leaves each rejected one without output.
 */
export function toolApprovalAnswers(
  calls: ApprovalToolCall[],
  approvals: { tool_call_id: string; approve: boolean }[],
) {
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
  return { submitted, complete }
}
