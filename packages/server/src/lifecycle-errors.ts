// The 400s of the run lifecycle: their texts, and the checks that a submit answers exactly the calls a run waits on.
import { badRequest } from './http.ts'
import type { RunObject, RunStatus } from './types.ts'

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

/** Checks that a submit answers exactly the calls the run waits on; throws the API's 400 otherwise. */
export function checkToolOutputs(
  run: RunObject,
  outputs: { tool_call_id?: string }[],
  texts: LifecycleTexts,
) {
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
export function checkToolApprovals(
  run: RunObject,
  approvals: { tool_call_id: string }[],
  texts: LifecycleTexts,
) {
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
