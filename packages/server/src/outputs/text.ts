// The `text` output: opens the assistant message (and its message-creation step), appends a token, streams its delta.
import type { MessageObject } from '../types.ts'
import { type OutputHandler, StopRun } from './turn.ts'

export const handleText: OutputHandler<'text'> = async (output, turn) => {
  const { state, runId, atomically, current, saveRun, saveMessage, finalize, addUsage } = turn
  const run = current()
  if (run.max_completion_tokens !== null && state.completionTokens >= run.max_completion_tokens) {
    atomically(() => {
      saveRun(addUsage(current(), state.completionTokens, state.promptTokens))
      finalize(current(), 'incomplete', { incomplete_details: { reason: 'max_completion_tokens' } })
    })
    throw new StopRun()
  }
  if (!state.message || !state.messageStep) {
    const created: MessageObject = {
      id: turn.ids('msg'),
      object: 'thread.message',
      created_at: turn.now(),
      thread_id: turn.threadId,
      status: 'in_progress',
      incomplete_details: null,
      completed_at: null,
      incomplete_at: null,
      role: 'assistant',
      content: [],
      assistant_id: run.assistant_id,
      run_id: runId,
      attachments: [],
      metadata: {},
    }
    // One transaction: a crash never leaves a step pointing at a message that was not written.
    state.message = atomically(() => {
      state.messageStep = turn.newStep({
        type: 'message_creation',
        message_creation: { message_id: created.id },
      })
      saveMessage(created, 'thread.message.created')
      return saveMessage(created, 'thread.message.in_progress')
    })
  }
  const message = state.message
  const previous = message.content[0]
  const value = previous?.type === 'text' ? previous.text.value : ''
  const annotations = previous?.type === 'text' ? previous.text.annotations : []
  const annotation = output.annotation
    ? output.annotation.type === 'file_citation'
      ? {
          type: 'file_citation' as const,
          text: output.text,
          file_citation: { file_id: output.annotation.file_id },
          start_index: value.length,
          end_index: value.length + output.text.length,
        }
      : {
          type: 'file_path' as const,
          text: output.text,
          file_path: { file_id: output.annotation.file_id },
          start_index: value.length,
          end_index: value.length + output.text.length,
        }
    : null
  state.message = saveMessage({
    ...message,
    content: [
      {
        type: 'text',
        text: {
          value: value + output.text,
          annotations: annotation ? [...annotations, annotation] : annotations,
        },
      },
    ],
  })
  turn.emit({
    event: 'thread.message.delta',
    data: {
      id: state.message.id,
      object: 'thread.message.delta',
      delta: {
        content: [
          {
            index: 0,
            type: 'text',
            text: {
              value: output.text,
              ...(annotation ? { annotations: [{ index: annotations.length, ...annotation }] } : {}),
            },
          },
        ],
      },
    },
  })
  state.completionTokens++
  state.messageTokens++
  await turn.pause()
}
