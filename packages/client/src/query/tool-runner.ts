// Owns the tool runner's mechanics: the client tool calls of a run in `requires_action` (which wait for approval,
// running a handler and recording its output or error) and the recorded approval decisions of a
// `submit_tool_approval` run. The per-call rules are tool-calls.ts's and tool-approvals.ts's; when to submit is the
// controller's. Plain functions over a session: they call back only through their arguments.
import type { Run } from '../core/index.ts'
import { requiredToolCalls } from '../core/index.ts'
import type { RunStreamConfig, Session } from './run-stream-state.ts'
import { collectOutputs, initialToolCalls, type ToolCallState } from './tool-calls.ts'

/** The tool calls of a run in `requires_action`, each running, awaiting approval, manual or failed. */
export function toolCallsOf(run: Run, { tools, approve }: RunStreamConfig): ToolCallState[] {
  const needsApproval = typeof approve === 'function' ? approve : () => approve === true
  return initialToolCalls(requiredToolCalls(run), tools, needsApproval)
}

/** Patches call `id` of the session. */
export function updateCall(s: Session, id: string, patch: Partial<ToolCallState>): void {
  s.toolCalls = s.toolCalls.map((call) => (call.id === id ? { ...call, ...patch } : call))
}

/** The session, if its call `id` waits for approval. */
export function awaitingApproval(s: Session | null, id: string): Session | null {
  return s?.toolCalls.some((call) => call.id === id && call.status === 'awaiting_approval') ? s : null
}

/** The session, if it waits for approvals (`submit_tool_approval`) and call `id` is one of them. */
export function awaitingDecision(s: Session | null, id: string): Session | null {
  return s?.status === 'requires_action' && s.approvals.some((call) => call.id === id) ? s : null
}

/** Runs the handler of call `id` (if the config has one) and records its output or error, then calls `after`. */
export function runHandler(
  s: Session,
  run: Run,
  id: string,
  tools: RunStreamConfig['tools'],
  after: () => void,
): void {
  const call = s.toolCalls.find((item) => item.id === id)
  const handler = call ? tools?.[call.name] : undefined
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
    .then(after)
}
