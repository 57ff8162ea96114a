// The `code_interpreter` output: a tool_calls step that streams the code, then its logs and images, and completes.
import { tokenize } from '../scripted-model.ts'
import type { StepToolCall } from '../types.ts'
import { chunks, type OutputHandler } from './turn.ts'

export const handleCodeInterpreter: OutputHandler<'code_interpreter'> = async (output, turn) => {
  turn.closeMessage()
  const step = turn.newStep({ type: 'tool_calls', tool_calls: [] })
  const id = turn.ids('call')
  turn.emitStepDelta(step, {
    index: 0,
    id,
    type: 'code_interpreter',
    code_interpreter: { input: '', outputs: [] },
  })
  for (const piece of chunks(output.input, 16)) {
    turn.emitStepDelta(step, { index: 0, type: 'code_interpreter', code_interpreter: { input: piece } })
    await turn.pause()
  }
  const images = (output.images ?? []).map((file_id) => ({ type: 'image' as const, image: { file_id } }))
  const outputs = [{ type: 'logs' as const, logs: output.logs }, ...images]
  turn.emitStepDelta(step, {
    index: 0,
    type: 'code_interpreter',
    code_interpreter: { outputs: outputs.map((item, index) => ({ index, ...item })) },
  })
  const toolCall: StepToolCall = {
    id,
    type: 'code_interpreter',
    code_interpreter: { input: output.input, outputs },
  }
  turn.completeStep(step, tokenize(output.input).length, {
    step_details: { type: 'tool_calls', tool_calls: [toolCall] },
  })
  await turn.pause()
}
