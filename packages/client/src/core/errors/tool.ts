// The error of a client tool call that `streamWithTools` could not answer (nothing is submitted).
import { OaiRunsError } from './base.ts'

/** Why `streamWithTools` could not answer a tool call. */
export type ToolCallErrorReason = 'unknown_tool' | 'invalid_arguments' | 'handler_failed' | 'not_tool_outputs'

/**
 * A tool call of a run in `requires_action` could not be answered: no handler for its name, arguments that are not
 * a JSON object, or a handler that threw (`cause`). Nothing was submitted (checklist F10); the run still waits.
 */
export class ToolCallError extends OaiRunsError {
  override name = 'ToolCallError'
  /** What went wrong. */
  declare readonly reason: ToolCallErrorReason
  /** The id of the call. */
  declare readonly callId: string
  /** The function name of the call. */
  declare readonly toolName: string

  constructor(init: { reason: ToolCallErrorReason; callId: string; toolName: string; cause?: unknown }) {
    const what = {
      unknown_tool: 'has no handler',
      invalid_arguments: 'has arguments that are not a JSON object',
      handler_failed: `failed: ${init.cause instanceof Error ? init.cause.message : String(init.cause)}`,
      not_tool_outputs:
        'waits for an answer other than tool outputs (e.g. an approval): answer it with ' +
        'runs.submitToolOutputs(ids, { tool_approvals }) or useRunStream().approve/reject',
    }[init.reason]
    super(`Tool call ${init.callId} (${init.toolName}) ${what}. Nothing was submitted.`, {
      cause: init.cause,
    })
    this.reason = init.reason
    this.callId = init.callId
    this.toolName = init.toolName
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, callId: this.callId, toolName: this.toolName }
  }
}
