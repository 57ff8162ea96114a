// What a model sees of a run: the thread's messages cut by the run's truncation strategy and `max_prompt_tokens`,
// and the run's own earlier turns (the prompt history a real model needs after tool outputs).
import type { ModelTurn, SubmittedToolOutput } from './model.ts'
import { tokenize } from './scripted-model.ts'
import type { RunsStore } from './store.ts'
import { isOpenAiToolCall, type MessageObject, type RunObject } from './types.ts'

function messageTokens(message: MessageObject): number {
  let count = 0
  for (const part of message.content) {
    if (part.type === 'text') {
      count += tokenize(part.text.value).length
    }
  }
  return count
}

/**
 * The messages a run sees (oldest first) and their prompt tokens; `null` when even the newest message alone is over
 * `max_prompt_tokens` (the run ends `incomplete`). `auto` truncation drops the oldest messages until it fits.
 */
export function visibleMessages(
  store: RunsStore,
  run: RunObject,
): { messages: MessageObject[]; promptTokens: number } | null {
  let messages = store.messages
    .list(run.thread_id)
    .filter((message) => message.run_id !== run.id || message.role === 'assistant')
  const strategy = run.truncation_strategy
  if (strategy?.type === 'last_messages' && strategy.last_messages) {
    messages = messages.slice(-strategy.last_messages)
  }
  const counts = messages.map(messageTokens)
  let promptTokens = tokenize(run.instructions).length + counts.reduce((sum, count) => sum + count, 0)
  const limit = run.max_prompt_tokens
  let first = 0
  if (strategy?.type !== 'last_messages') {
    while (limit !== null && promptTokens > limit && messages.length - first > 1) {
      promptTokens -= counts[first] ?? 0
      first++
    }
  }
  if (limit !== null && promptTokens > limit) {
    return null
  }
  return { messages: messages.slice(first), promptTokens }
}

/** What the run did in its earlier turns, from its steps (oldest first): the prompt history of a real model. */
export function runHistory(store: RunsStore, threadId: string, runId: string): ModelTurn[] {
  const turns: ModelTurn[] = []
  for (const step of store.steps.list(runId)) {
    const details = step.step_details
    if (details.type === 'message_creation') {
      const message = store.messages.get(threadId, details.message_creation.message_id)
      const text = (message?.content ?? [])
        .map((part) => (part.type === 'text' ? part.text.value : ''))
        .join('')
      if (text !== '') {
        turns.push({ type: 'text', text })
      }
      continue
    }
    const calls: SubmittedToolOutput[] = []
    for (const call of details.tool_calls) {
      if (!isOpenAiToolCall(call)) {
        continue // other hosts' calls ran there; they are not part of a model's history
      }
      if (call.type === 'function') {
        const { name, arguments: args, output } = call.function
        calls.push({ tool_call_id: call.id, name, arguments: args, output: output ?? '' })
      } else if (call.type === 'code_interpreter') {
        const logs = call.code_interpreter.outputs.map((output) =>
          output.type === 'logs' ? output.logs : '',
        )
        turns.push({
          type: 'code_interpreter',
          id: call.id,
          input: call.code_interpreter.input,
          logs: logs.join(''),
        })
      } else {
        turns.push({ type: 'file_search', id: call.id, results: call.file_search.results ?? [] })
      }
    }
    if (calls.length > 0) {
      turns.push({ type: 'function_calls', calls })
    }
  }
  return turns
}
