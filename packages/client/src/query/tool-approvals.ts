// Owns tool approvals: the decisions on a `submit_tool_approval` run's calls and the body that answers them.
// Tool approvals: a run in `requires_action` whose `required_action` is `submit_tool_approval` (Azure AI Agents)
// waits for a yes or no on each call the host itself would run; the answer is `tool_approvals` on the
// submit_tool_outputs endpoint. Unlike client tools (`toolCalls`), nothing runs here: the host runs what is approved.
import type { ApprovalToolCall, ToolApproval } from '../core/index.ts'
import { toolApproval, ValidationError } from '../core/index.ts'

/** What the user decided for one call: nothing yet, approve or reject. */
export type ToolApprovalDecision = 'pending' | 'approved' | 'rejected'

/** One call a run waits to have approved, with what is known of it and the decision so far. */
export type ToolApprovalState = {
  id: string
  /** The call's type as sent (`mcp`, `function`, `openapi`, …). */
  type: string
  /** The function's or the hosted tool's name, or '' when the call has none. */
  name: string
  /** The raw arguments text, or '' when the call has none. */
  arguments: string
  /** The label of the server that would run it (an `mcp` call's `server_label`), or null. */
  serverLabel: string | null
  /** The call as the run listed it, every field kept. */
  call: ApprovalToolCall
  decision: ToolApprovalDecision
}

/** Decisions to submit: `{ [callId]: true | false }`, or ready `tool_approvals` (e.g. with headers). */
export type ToolApprovalsInput = Readonly<Record<string, boolean>> | readonly ToolApproval[]

const text = (value: unknown) => (typeof value === 'string' ? value : '')

/** The first state of each call awaiting approval: every decision pending. */
export function initialApprovals(calls: readonly ApprovalToolCall[]): ToolApprovalState[] {
  return calls.map((call) => {
    const fn = (call as { function?: { name?: unknown; arguments?: unknown } }).function
    const fields = call as Record<string, unknown>
    return {
      id: call.id,
      type: String(call.type),
      name: text(fn?.name) || text(fields.name),
      arguments: text(fn?.arguments) || text(fields.arguments),
      serverLabel: text(fields.server_label) || null,
      call,
      decision: 'pending',
    }
  })
}

/**
 * The `tool_approvals` body answering every call, from the recorded decisions overridden by `input`; throws
 * ValidationError (sending nothing) for a call left undecided or an id the run did not ask about.
 */
export function collectApprovals(
  approvals: readonly ToolApprovalState[],
  input?: ToolApprovalsInput,
): ToolApproval[] {
  const given = new Map<string, ToolApproval>()
  if (Array.isArray(input)) {
    for (const item of input as readonly ToolApproval[]) {
      given.set(item.tool_call_id, item)
    }
  } else if (input) {
    for (const [id, approve] of Object.entries(input as Readonly<Record<string, boolean>>)) {
      given.set(id, toolApproval(id, approve))
    }
  }
  const asked = new Set(approvals.map((call) => call.id))
  const stray = [...given.keys()].find((id) => !asked.has(id))
  if (stray !== undefined) {
    throw new ValidationError('tool_approvals', `The run does not wait for an approval of call ${stray}.`)
  }
  return approvals.map((call) => {
    const answer = given.get(call.id)
    if (answer) {
      return toolApproval(call.id, answer.approve, answer.headers)
    }
    if (call.decision === 'pending') {
      throw new ValidationError(
        'tool_approvals',
        `Approve or reject call ${call.id}${call.name ? ` (${call.name})` : ''} before submitting.`,
      )
    }
    return toolApproval(call.id, call.decision === 'approved')
  })
}
