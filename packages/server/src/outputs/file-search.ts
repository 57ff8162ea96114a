// The `file_search` output: a tool_calls step with the search's results.
import type { OutputHandler } from './turn.ts'

export const handleFileSearch: OutputHandler<'file_search'> = async (output, turn) => {
  turn.closeMessage()
  const step = turn.newStep({ type: 'tool_calls', tool_calls: [] })
  const id = turn.ids('call')
  turn.emitStepDelta(step, { index: 0, id, type: 'file_search', file_search: {} })
  await turn.pause()
  turn.completeStep(step, 0, {
    step_details: {
      type: 'tool_calls',
      tool_calls: [
        {
          id,
          type: 'file_search',
          file_search: {
            ranking_options: output.ranking_options ?? { ranker: 'default_2024_08_21', score_threshold: 0 },
            results: output.results,
          },
        },
      ],
    },
  })
}
