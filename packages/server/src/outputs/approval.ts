// The `approval_required` output: streams hosted MCP calls into a step; the run waits in `submit_tool_approval`.
import { type OutputHandler, StopRun } from './turn.ts'

export const handleApprovalRequired: OutputHandler<'approval_required'> = async (output, turn) => {
  const { state } = turn
  turn.closeMessage()
  const step = turn.newStep({ type: 'tool_calls', tool_calls: [] })
  const calls = output.calls.map((call) => ({ id: turn.ids('call'), type: 'mcp' as const, ...call }))
  for (const [index, call] of calls.entries()) {
    turn.emitStepDelta(step, { index, ...call, output: null })
    await turn.pause()
  }
  turn.atomically(() => {
    turn.saveStep({
      ...step,
      step_details: {
        type: 'tool_calls',
        tool_calls: calls.map((call) => ({ ...call, output: null })),
      },
    })
    const run = turn.addUsage(turn.current(), state.completionTokens, state.promptTokens)
    turn.releaseControl()
    turn.saveRun(
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
