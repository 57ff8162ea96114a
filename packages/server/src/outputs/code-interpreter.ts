// The `code_interpreter` outputs: a tool_calls step that streams the code (as the model writes it, or in pieces), then
// its logs and images, and completes.
import { tokenize } from '../scripted-model.ts'
import type { RunStepObject, StepToolCall } from '../types.ts'
import { chunks, type OutputHandler } from './turn.ts'

/** Opens the code-interpreter step (if not open yet) and streams one piece of its input into it. */
export const handleCodeInterpreterInput: OutputHandler<'code_interpreter_input'> = async (output, turn) => {
  const { state } = turn
  if (!state.codeCall) {
    turn.closeMessage()
    const step = turn.newStep({ type: 'tool_calls', tool_calls: [] })
    const id = turn.ids('call')
    turn.emitStepDelta(step, {
      index: 0,
      id,
      type: 'code_interpreter',
      code_interpreter: { input: '', outputs: [] },
    })
    state.codeCall = { step, id, input: '' }
  }
  const call = state.codeCall
  call.input += output.delta
  turn.emitStepDelta(call.step, {
    index: 0,
    type: 'code_interpreter',
    code_interpreter: { input: output.delta },
  })
  // The step holds the code so far: a run that ends now keeps what was written.
  call.step = turn.saveStep({
    ...call.step,
    step_details: {
      type: 'tool_calls',
      tool_calls: [
        { id: call.id, type: 'code_interpreter', code_interpreter: { input: call.input, outputs: [] } },
      ],
    },
  })
  await turn.pause()
}

export const handleCodeInterpreter: OutputHandler<'code_interpreter'> = async (output, turn) => {
  const { state } = turn
  const open = state.codeCall
  state.codeCall = null
  let step: RunStepObject
  let id: string
  let streamed = ''
  if (open) {
    ;({ step, id } = open)
    streamed = open.input
  } else {
    turn.closeMessage()
    step = turn.newStep({ type: 'tool_calls', tool_calls: [] })
    id = turn.ids('call')
    turn.emitStepDelta(step, {
      index: 0,
      id,
      type: 'code_interpreter',
      code_interpreter: { input: '', outputs: [] },
    })
  }
  // What the streamed pieces did not already send (all of it when nothing streamed).
  const rest = output.input.startsWith(streamed) ? output.input.slice(streamed.length) : ''
  for (const piece of chunks(rest, 16)) {
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
