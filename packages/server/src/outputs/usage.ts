// The `usage` output: the model's own token counts replace the engine's estimate for the turn.
import type { OutputHandler } from './turn.ts'

export const handleUsage: OutputHandler<'usage'> = async (output, turn) => {
  const { state } = turn
  state.usageReported = true
  state.promptTokens = output.prompt_tokens
  state.completionTokens = output.completion_tokens
  if (state.message) {
    state.messageTokens = output.completion_tokens
  }
}
