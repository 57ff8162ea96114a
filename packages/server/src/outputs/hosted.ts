// The `hosted_tool_call` output: one completed tool_calls step for a tool another host ran (Bing, AI Search, …).
import type { OutputHandler } from './turn.ts'

export const handleHostedToolCall: OutputHandler<'hosted_tool_call'> = async (output, turn) => {
  turn.closeMessage()
  const step = turn.newStep({ type: 'tool_calls', tool_calls: [] })
  const call = { id: turn.ids('call'), type: output.call_type, [output.call_type]: output.details }
  turn.emitStepDelta(step, { index: 0, ...call })
  await turn.pause()
  turn.completeStep(step, 0, { step_details: { type: 'tool_calls', tool_calls: [call] } })
}
