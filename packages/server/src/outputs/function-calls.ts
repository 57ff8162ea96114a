// The `function_calls` output: streams the calls into a tool_calls step and moves the run to `requires_action`.
import { chunks, type OutputHandler, StopRun } from './turn.ts'

export const handleFunctionCalls: OutputHandler<'function_calls'> = async (output, turn) => {
  const { state } = turn
  turn.closeMessage()
  const step = turn.newStep({ type: 'tool_calls', tool_calls: [] })
  const calls = output.calls.map(({ id, name, arguments: args }) => ({
    id: id || turn.ids('call'),
    name,
    arguments: args,
  }))
  let tokens = 0
  for (const [index, call] of calls.entries()) {
    turn.emitStepDelta(step, {
      index,
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: '', output: null },
    })
    for (const piece of chunks(call.arguments)) {
      turn.emitStepDelta(step, { index, type: 'function', function: { arguments: piece } })
      tokens++
      await turn.pause()
    }
  }
  if (!state.usageReported) {
    state.completionTokens += tokens
  } else {
    turn.pendingStepUsage.set(step.id, {
      prompt_tokens: state.promptTokens,
      completion_tokens: state.completionTokens,
      total_tokens: state.promptTokens + state.completionTokens,
    })
  }
  turn.atomically(() => {
    turn.saveStep({
      ...step,
      step_details: {
        type: 'tool_calls',
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: 'function',
          function: { name: call.name, arguments: call.arguments, output: null },
        })),
      },
    })
    const run = turn.addUsage(turn.current(), state.completionTokens, state.promptTokens)
    turn.releaseControl()
    turn.saveRun(
      {
        ...run,
        status: 'requires_action',
        required_action: {
          type: 'submit_tool_outputs',
          submit_tool_outputs: {
            tool_calls: calls.map((call) => ({
              id: call.id,
              type: 'function',
              function: { name: call.name, arguments: call.arguments },
            })),
          },
        },
      },
      'thread.run.requires_action',
    )
  })
  throw new StopRun()
}
