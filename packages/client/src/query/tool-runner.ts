// Owns the tool runner: what a session does when its run waits in `requires_action`: client tools run (with
// approval gates) and their outputs submitted once all are ready, or `submit_tool_approval` decisions recorded
// and submitted. The per-call rules are tool-calls.ts's and tool-approvals.ts's; this is the controller's glue.
import type { Run, Streaming, SubmitToolOutputsParams } from '../core/index.ts'
import { OaiRunsError, requiredApprovals, requiredToolCalls } from '../core/index.ts'
import type { Session } from './run-stream-state.ts'
import type { RunStreamRuntime } from './stream-session.ts'
import { collectApprovals, initialApprovals, type ToolApprovalsInput } from './tool-approvals.ts'
import {
  collectOutputs,
  failedCalls,
  initialToolCalls,
  type ToolCallState,
  type ToolOutputsInput,
} from './tool-calls.ts'

type SubmitBody =
  | { tool_outputs: SubmitToolOutputsParams['tool_outputs'] & {} }
  | { tool_approvals: SubmitToolOutputsParams['tool_approvals'] & {} }

/** The tool runner's part of the runtime (`requireAction`) and the controller's tool and approval methods. */
export function createToolRunner(rt: RunStreamRuntime) {
  const { client, config } = rt

  function requireAction(s: Session, run: Run): void {
    rt.unwatch(s)
    rt.unhold(s)
    rt.settle(s, 'requires_action')
    if (run.required_action?.type === 'submit_tool_approval') {
      // The host runs these calls itself once approved: nothing runs here, the user decides (approve/reject).
      s.toolCalls = []
      s.approvals = initialApprovals(requiredApprovals(run))
      s.error = null
      rt.publish()
      config().onRequiresAction?.({ run, toolCalls: s.toolCalls, approvals: s.approvals })
      rt.watchExpiry(s, run, 0)
      return
    }
    const { tools, approve } = config()
    const needsApproval = typeof approve === 'function' ? approve : () => approve === true
    s.toolCalls = initialToolCalls(requiredToolCalls(run), tools, needsApproval)
    s.approvals = []
    s.error = failedCalls(s.toolCalls)
    rt.publish()
    config().onRequiresAction?.({ run, toolCalls: s.toolCalls, approvals: s.approvals })
    for (const call of s.toolCalls) {
      if (call.status === 'running') {
        runHandler(s, run, call.id)
      }
    }
    maybeSubmit(s)
    rt.watchExpiry(s, run, 0)
  }

  function updateCall(s: Session, id: string, patch: Partial<ToolCallState>): void {
    s.toolCalls = s.toolCalls.map((call) => (call.id === id ? { ...call, ...patch } : call))
  }

  // The current session, if its call `id` waits for approval.
  function awaitingApproval(id: string): Session | null {
    const s = rt.session
    return s?.toolCalls.some((call) => call.id === id && call.status === 'awaiting_approval') ? s : null
  }

  function runHandler(s: Session, run: Run, id: string): void {
    const call = s.toolCalls.find((item) => item.id === id)
    const handler = call ? config().tools?.[call.name] : undefined
    const wireCall = requiredToolCalls(run).find((item) => item.id === id)
    if (!call || !handler || !wireCall) {
      return
    }
    const context = { call: wireCall, run, expiresAt: run.expires_at, signal: s.abort.signal }
    Promise.resolve()
      .then(() => handler(call.args, context))
      .then((output) => collectOutputs([{ ...call, output: null }], { [id]: output })[0]!.output)
      .then(
        (output) => updateCall(s, id, { status: 'done', output, error: null }),
        (error: unknown) =>
          updateCall(s, id, {
            status: 'error',
            error: error instanceof Error ? error : new Error(String(error)),
          }),
      )
      .then(() => maybeSubmit(s))
  }

  // F10: submit only when every call has an output; a failed handler blocks the submit and is reported by name.
  function maybeSubmit(s: Session): void {
    if (s !== rt.session || s.status !== 'requires_action' || s.toolCalls.length === 0) {
      return
    }
    const pending = s.toolCalls.some(
      (call) => call.status === 'running' || call.status === 'awaiting_approval',
    )
    const failed = failedCalls(s.toolCalls)
    s.error = failed
    if (pending || failed || s.toolCalls.some((call) => call.status === 'manual')) {
      rt.publish()
      const key = failed ? failed.calls.map((call) => call.id).join(',') : ''
      if (failed && !pending && key !== s.reported) {
        s.reported = key
        config().onError?.(failed)
      }
      return
    }
    // Errors reach state and onError; nobody awaits this automatic submit.
    submit(s, { tool_outputs: collectOutputs(s.toolCalls) }).catch(() => undefined)
  }

  // The current session, if it waits for approvals (`submit_tool_approval`) and call `id` is one of them.
  function awaitingDecision(id: string): Session | null {
    const s = rt.session
    return s?.status === 'requires_action' && s.approvals.some((call) => call.id === id) ? s : null
  }

  // Records one decision; once every call is decided, the approvals are submitted (like the last denied tool call).
  function decide(id: string, approve: boolean): void {
    const s = awaitingDecision(id)
    if (!s || s.connection === 'stream') {
      return
    }
    s.approvals = s.approvals.map((call) =>
      call.id === id ? { ...call, decision: approve ? 'approved' : 'rejected' } : call,
    )
    rt.publish()
    if (s.approvals.every((call) => call.decision !== 'pending')) {
      // Errors reach state and onError; nobody awaits this automatic submit.
      submit(s, { tool_approvals: collectApprovals(s.approvals) }).catch(() => undefined)
    }
  }

  function submit(previous: Session, answer: SubmitBody): Promise<void> {
    const ids = { threadId: previous.threadId!, runId: previous.runId! }
    const s = rt.replace({
      ...ids,
      snapshot: previous.snapshot,
      written: previous.written,
      ownsRun: previous.ownsRun,
      toolCalls: previous.toolCalls,
      approvals: previous.approvals,
    })
    rt.hold(s, ids.threadId)
    return rt.consume(
      s,
      (signal) =>
        client.runs.submitToolOutputs(
          ids,
          { ...answer, stream: true } as Streaming<SubmitToolOutputsParams>,
          { ...rt.streamOptions(signal), initialSnapshot: previous.snapshot },
        ),
      { rethrow: true },
    )
  }

  return {
    requireAction,
    submitToolOutputs(outputs?: ToolOutputsInput): Promise<void> {
      rt.assertIdle()
      const s = rt.session
      if (s?.status !== 'requires_action' || !s.threadId || !s.runId) {
        throw new OaiRunsError('No run here is waiting for tool outputs.')
      }
      return submit(s, { tool_outputs: collectOutputs(s.toolCalls, outputs) })
    },
    submitToolApprovals(decisions?: ToolApprovalsInput): Promise<void> {
      rt.assertIdle()
      const s = rt.session
      if (s?.status !== 'requires_action' || !s.threadId || !s.runId || s.approvals.length === 0) {
        throw new OaiRunsError('No run here is waiting for tool approvals.')
      }
      const body = collectApprovals(s.approvals, decisions)
      const approved = new Map(body.map((item) => [item.tool_call_id, item.approve]))
      s.approvals = s.approvals.map((call) => ({
        ...call,
        decision: approved.get(call.id) ? 'approved' : 'rejected',
      }))
      return submit(s, { tool_approvals: body })
    },
    decide,
    approveToolCall(id: string): void {
      const s = awaitingApproval(id)
      const run = s?.snapshot.run
      if (s && run) {
        updateCall(s, id, { status: 'running' })
        rt.publish()
        runHandler(s, run, id)
      }
    },
    denyToolCall(id: string, reason = 'The user denied this tool call.'): void {
      const s = awaitingApproval(id)
      if (s) {
        updateCall(s, id, { status: 'denied', output: JSON.stringify({ error: reason }) })
        maybeSubmit(s)
      }
    },
  }
}
