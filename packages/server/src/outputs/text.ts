// The `text` output: opens the assistant message (and its message-creation step), appends a token, streams its delta.
import type { TextAnnotation } from '../model.ts'
import type { Annotation, MessageObject } from '../types.ts'
import { type OutputHandler, StopRun } from './turn.ts'

export const handleText: OutputHandler<'text'> = async (output, turn) => {
  const { state, runId, atomically, current, saveRun, saveMessage, finalize, addUsage } = turn
  const run = current()
  // An annotation alone (no text) is not a token: it never hits the limit.
  const counts = output.text !== ''
  if (counts && run.max_completion_tokens !== null && state.completionTokens >= run.max_completion_tokens) {
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
  const full = value + output.text
  const annotation = output.annotation ? buildAnnotation(output.annotation, full, value.length) : null
  state.message = saveMessage({
    ...message,
    content: [
      {
        type: 'text',
        text: {
          value: full,
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
  if (counts) {
    state.completionTokens++
    state.messageTokens++
  }
  await turn.pause()
}

/** The message annotation over the piece just appended (from `pieceStart`), or over the range the model gave. */
function buildAnnotation(given: TextAnnotation, full: string, pieceStart: number): Annotation {
  const start = Math.min(Math.max(0, given.start_index ?? pieceStart), full.length)
  const end = Math.min(Math.max(start, given.end_index ?? full.length), full.length)
  const range = { text: full.slice(start, end), start_index: start, end_index: end }
  return given.type === 'file_citation'
    ? { type: 'file_citation', ...range, file_citation: { file_id: given.file_id } }
    : { type: 'file_path', ...range, file_path: { file_id: given.file_id } }
}
