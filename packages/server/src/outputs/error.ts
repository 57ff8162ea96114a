// The `error` output: the run fails with the model's `last_error`, keeping the usage counted so far.
import { type OutputHandler, StopRun } from './turn.ts'

export const handleError: OutputHandler<'error'> = async (output, turn) => {
  const { state } = turn
  turn.atomically(() => {
    turn.saveRun(turn.addUsage(turn.current(), state.completionTokens, state.promptTokens))
    turn.finalize(turn.current(), 'failed', { last_error: { code: output.code, message: output.message } })
  })
  throw new StopRun()
}
