// The `incomplete` output: the model hit a token limit; the run ends `incomplete` with its usage.
import { type OutputHandler, StopRun } from './turn.ts'

export const handleIncomplete: OutputHandler<'incomplete'> = async (output, turn) => {
  const { state } = turn
  turn.atomically(() => {
    if (state.messageStep) {
      turn.saveStep({
        ...state.messageStep,
        usage: {
          prompt_tokens: state.promptTokens,
          completion_tokens: state.messageTokens,
          total_tokens: state.promptTokens + state.messageTokens,
        },
      })
    }
    turn.saveRun(turn.addUsage(turn.current(), state.completionTokens, state.promptTokens))
    turn.finalize(turn.current(), 'incomplete', { incomplete_details: { reason: output.reason } })
  })
  throw new StopRun()
}
